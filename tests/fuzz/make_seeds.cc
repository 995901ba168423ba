// Writes the fuzzers' seed corpora, built from the same byte builders as the
// unit tests (so no opaque blobs live in the repository), plus the default
// registry. Usage: make_seeds OUTDIR SOURCE_DIR
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "scarlet/protocol.h"
#include "support/builders.h"

namespace fs = std::filesystem;
using namespace scarlet::test;

namespace {

// Path selector bytes, matching kPaths in module_fuzz.cc.
constexpr char kProg = 0, kCom = 1, kClassPath = 2;

void write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  fs::path out = argv[1];
  std::map<std::string, std::vector<std::string>> seeds;
  auto add = [&](const std::string& module, char path, const std::string& bytes) {
    seeds[module].push_back(std::string(1, path) + bytes);
  };
  ElfSpec dyn;
  dyn.type = 3;
  dyn.interp = "/lib/ld-linux-aarch64.so.1";
  ElfSpec mips;
  mips.machine = 8;
  mips.elf_class = 1;
  mips.data = 2;
  mips.flags = 0x20;
  ElfSpec netbsd;
  netbsd.note = elf_note("NetBSD", 1, u32_bytes(1, false), false);
  for (const auto& s : {ElfSpec{}, dyn, mips, netbsd}) add("elf", kProg, build_elf(s));
  PeSpec clr;
  clr.clr = true;
  for (const auto& s : {PeSpec{}, PeSpec{0x14c, false}, clr}) {
    add("pe", kProg, build_pe(s));
    add("msdos", kProg, build_pe(s));
  }
  add("msdos", kProg, build_mz({}));
  add("msdos", kCom, "\xb4\x4c\xcd\x21");
  add("wasm", kProg, std::string("\0asm\x01\0\0\0\x01\x04\x01\x60\x00\x00", 14));
  add("wasm", kProg, std::string("\0asm\x0d\0\x01\0", 8));
  add("macho", kProg, u32_bytes(0xcafebabe, true) + u32_bytes(1, true) + u32_bytes(0x01000007, true) + std::string(16, '\0'));
  add("java_class", kClassPath, build_class({}));
  add("macho", kProg, build_class({}));
  add("jar", kProg, build_zip({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMain-Class: a.B\r\n"}, {"a/B.class", build_class({"a/B"})}}));
  add("rule", kProg, "SCARLETB");
  add("rule", 4, "print(1)");
  for (const auto& [module, list] : seeds)
    for (std::size_t i = 0; i < list.size(); ++i) write(out / module, "seed-" + std::to_string(i), list[i]);

  // Protocol seeds: a chunk-size byte, then frames of every kind.
  using namespace scarlet::wire;
  DecideReply reply;
  reply.exec_path = "/usr/bin/qemu-aarch64-static";
  reply.argv = {"/usr/bin/qemu-aarch64-static", "-0", "p", "/dev/fd/3"};
  reply.args_at = 4;
  reply.env = {{"QEMU_LD_PREFIX", "/usr/aarch64-linux-gnu"}};
  reply.limits = {{"nofile", 7, 1024}};
  write(out / "protocol", "decide", std::string(1, '\x03') + encode(DecideRequest{"./prog", "prog", 3, {}}));
  write(out / "protocol", "explain", std::string(1, '\x00') + encode(DecideRequest{"/p", std::nullopt, -1, {"a", "b"}}, Type::explain));
  write(out / "protocol", "reply", std::string(1, '\x10') + encode(reply));
  write(out / "protocol", "text", std::string(1, '\x01') + encode(TextReply{0, "{}"}) + encode_empty(Type::status));

  std::ifstream reg(fs::path(argv[2]) / "config/registry.json", std::ios::binary);
  write(out / "registry", "default.json", {std::istreambuf_iterator<char>(reg), {}});
  write(out / "registry", "example.json", R"({ "version": 1,
  "rules": [ { "name": "bench", "magic": "SCARLETB", "offset": 0, "mask": "\\xff\\xff" } ],
  "formats": { "rule:bench": { "limits": {"nofile": 5, "as": "1G"}, "runtimes": [ { "path": "/opt/noop",
    "args": ["-0", "{argv0}", "{binary_fd}", "{args}"], "env_if_exists": {"A": ["/x"]}, "via": "/v" } ] } } })");
  return 0;
}
