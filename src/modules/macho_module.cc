// Mach-O (macOS) programs, thin or universal. Nothing here runs them, but
// recognizing them matters: a universal binary starts with CAFEBABE, the same
// magic as a Java class, and must not be handed to Java. Constants from
// <mach-o/loader.h> and <mach-o/fat.h>.
#include "scarlet/abi_module.h"

namespace scarlet {
namespace {

constexpr std::uint32_t kFatMagic = 0xcafebabe, kFatMagic64 = 0xcafebabf;
constexpr std::uint32_t kMagic32 = 0xfeedface, kMagic64 = 0xfeedfacf;
constexpr std::uint32_t kCpuArch64 = 0x01000000;
// Java class versions start at 45, so a fat header's architecture count
// (a handful in practice) never collides with a class's minor/major words.
constexpr std::uint32_t kMaxFatArchs = 44;

std::string cpu_name(std::uint32_t cpu) {
  switch (cpu) {
    case 7: return "i386";
    case 7 | kCpuArch64: return "x86_64";
    case 12: return "arm";
    case 12 | kCpuArch64: return "arm64";
    case 18: return "ppc";
    case 18 | kCpuArch64: return "ppc64";
    default: return {};
  }
}

class MachoModule final : public AbiModule {
 public:
  std::string_view name() const override { return "macho"; }
  std::vector<std::string> formats() const override { return {"macho"}; }

  Sniff get_runtime_config(const FileView& file, std::string_view) const override {
    ByteView h = file.head();
    auto magic_be = be32(h, 0), magic_le = le32(h, 0);
    if (!magic_be) return not_mine();
    Detection d;
    d.format = "macho";
    if (*magic_be == kFatMagic || *magic_be == kFatMagic64) {
      auto n = be32(h, 4);
      if (!n) return *magic_be == kFatMagic64 ? refuse("truncated Mach-O universal header") : not_mine();
      if (*magic_be == kFatMagic && (*n == 0 || *n > kMaxFatArchs)) return not_mine();  // a Java class
      const std::size_t entry = *magic_be == kFatMagic64 ? 32 : 20;
      std::string archs;
      for (std::uint32_t i = 0; i < *n; ++i) {
        auto cpu = be32(h, 8 + i * entry);
        if (!cpu) return refuse("truncated Mach-O universal header");
        auto name = cpu_name(*cpu);
        archs += (archs.empty() ? "" : ", ") + (name.empty() ? "cpu " + std::to_string(*cpu) : name);
      }
      d.facts.push_back({"kind", "universal binary"});
      d.facts.push_back({"architectures", archs});
      return std::optional<Detection>(std::move(d));
    }
    for (bool big : {true, false}) {
      auto m = big ? *magic_be : *magic_le;
      if (m != kMagic32 && m != kMagic64) continue;
      auto cpu = big ? be32(h, 4) : le32(h, 4);
      if (!cpu) return refuse("truncated Mach-O header");
      auto name = cpu_name(*cpu);
      d.facts.push_back({"kind", m == kMagic64 ? "64-bit" : "32-bit"});
      d.facts.push_back({"architectures", name.empty() ? "cpu " + std::to_string(*cpu) : name});
      return std::optional<Detection>(std::move(d));
    }
    return not_mine();
  }
};

}  // namespace

std::unique_ptr<AbiModule> make_macho_module(const ModuleContext&) { return std::make_unique<MachoModule>(); }

}  // namespace scarlet
