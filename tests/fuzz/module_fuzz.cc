// libFuzzer target for one format module, chosen at compile time with
// SCARLET_FUZZ_FACTORY (see tests/fuzz/CMakeLists.txt). The first input byte
// picks the file name the module sees, since names matter to some (.COM,
// Java package paths); the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scarlet/modules.h"

namespace {

const char* const kPaths[] = {"prog", "GAME.COM", "com/example/Hello.class", "Hello.class", "x.lua", "/abs/a.jar"};

const scarlet::AbiModule& module() {
  // Built once per process: libFuzzer calls the target millions of times.
  static const auto m = scarlet::SCARLET_FUZZ_FACTORY(
      {scarlet::HostAbi({"elf:x86_64", "elf:i386"}),
       {{"bench", {"SCARLETB", "", 0, ""}}, {"masked", {"\x10\x20", "\xf0\xff", 4, ""}}, {"lua", {"", "", 0, "lua"}}}});
  return *m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const char* path = kPaths[data[0] % (sizeof kPaths / sizeof kPaths[0])];
  auto view = scarlet::FileView::over_bytes(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  scarlet::Sniff s = module().get_runtime_config(view, path);
  if (s.ok() && *s) {
    // Touch what a caller would use, so bad strings surface here.
    volatile std::size_t n = (*s)->format.size();
    for (const auto& f : (*s)->facts) n = n + f.key.size() + f.value.size();
  }
  return 0;
}
