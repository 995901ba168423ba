// libFuzzer target for one format module, chosen at compile time with
// SCARLET_FUZZ_FACTORY (see tests/fuzz/CMakeLists.txt). The first input byte
// picks the file name the module sees, since names matter to some (.COM,
// Java package paths): below kInlinePath, one of kPaths; from it on, the
// name follows in the input, up to a NUL, so names are fuzzed too. The rest
// is the file.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scarlet/modules.h"

namespace {

const char* const kPaths[] = {"prog", "GAME.COM", "com/example/Hello.class", "Hello.class", "x.lua", "/abs/a.jar"};
constexpr std::uint8_t kInlinePath = 0x80;  // make_seeds.cc writes seeds in this form

const scarlet::AbiModule& module() {
  // Built once per process: libFuzzer calls the target millions of times.
  static const auto m =
      scarlet::SCARLET_FUZZ_FACTORY({scarlet::HostAbi({"elf:x86_64", "elf:i386"}),
                                     {{"bench", {"SCARLETB", "", 0, ""}},
                                      {"masked", {"\x10\x20", "\xf0\xff", 4, ""}},
                                      {"lua", {"", "", 0, "lua"}},
                                      {"both", {"\x7fSCR", "", 0, "bin"}},      // magic and extension
                                      {"far", {"ZZ", "\xdf\xff", 250, ""}}}});  // at the end of the kernel's window
  return *m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string path;
  if (data[0] < kInlinePath) {
    path = kPaths[data[0] % (sizeof kPaths / sizeof kPaths[0])];
  } else {
    path = rest.substr(0, rest.find('\0'));
    rest.remove_prefix(std::min(rest.size(), path.size() + 1));
  }
  auto view = scarlet::FileView::over_bytes(std::string(rest));
  scarlet::Sniff s = module().get_runtime_config(view, path);
  if (s.ok() && *s) {
    // Touch what a caller would use, so bad strings surface here.
    volatile std::size_t n = (*s)->format.size();
    for (const auto& f : (*s)->facts) n = n + f.key.size() + f.value.size();
  }
  return 0;
}
