// Python bytecode ("pyc:<version>", e.g. "pyc:3.11"): a .pyc file as
// py_compile writes it, run by the Python that wrote it, since each version
// reads only its own bytecode. The first two bytes are a little-endian magic
// number that names the version, then "\r\n"; from 3.7 on (PEP 552) a 32-bit
// flags word follows (0: checked by timestamp, bit 0: by hash, bit 1: check
// the hash). Magic ranges from CPython's Lib/importlib/_bootstrap_external.py;
// each release's final magic was checked against that Python here.
#include "scarlet/abi_module.h"

namespace scarlet {
namespace {

struct PythonMagics {
  std::uint16_t first, last;  // the range a version's development used
  const char* version;
};

// Every release reads only its own final magic, but a file written by a
// pre-release of that version still names the version it belongs to.
constexpr PythonMagics kMagics[] = {
    {62211, 62211, "2.7"}, {3360, 3379, "3.6"}, {3390, 3394, "3.7"},   {3400, 3413, "3.8"},   {3420, 3425, "3.9"},
    {3430, 3439, "3.10"},  {3450, 3495, "3.11"}, {3500, 3531, "3.12"}, {3550, 3571, "3.13"},
};
constexpr std::uint32_t kKnownFlags = 0x3;  // PEP 552: hash-based, check_source

const char* version_of(std::uint16_t magic) {
  for (const auto& m : kMagics)
    if (magic >= m.first && magic <= m.last) return m.version;
  return nullptr;
}

class PycModule final : public AbiModule {
 public:
  std::string_view name() const override { return "pyc"; }
  std::vector<std::string> formats() const override {
    std::vector<std::string> out;
    for (const auto& m : kMagics) out.push_back(std::string("pyc:") + m.version);
    return out;
  }

  Sniff get_runtime_config(const FileView& file, std::string_view) const override {
    ByteView h = file.head();
    if (h.size() < 4 || h[2] != '\r' || h[3] != '\n') return not_mine();
    const char* version = version_of(*le16(h, 0));
    if (!version) return not_mine();  // "\r\n" at offset 2 alone says little
    const bool pep552 = std::string_view(version) != "2.7" && std::string_view(version) != "3.6";
    Detection d;
    d.format = std::string("pyc:") + version;
    d.facts.push_back({"python", version});
    d.facts.push_back({"magic", std::to_string(*le16(h, 0))});
    if (pep552) {
      auto flags = le32(h, 4);
      if (!flags) return refuse("truncated Python " + std::string(version) + " bytecode header");
      if (*flags & ~kKnownFlags) return refuse("corrupt Python bytecode header (flags " + std::to_string(*flags) + ")");
      d.facts.push_back({"checked", !(*flags & 1) ? "by source timestamp" : (*flags & 2) ? "by source hash" : "never (unchecked hash)"});
    }
    // 2.7's header is 8 bytes, 3.6's 12 (source size added), 3.7's 16; the
    // code object follows.
    const std::uint64_t header = std::string_view(version) == "2.7" ? 8 : pep552 ? 16 : 12;
    if (file.size() <= header) return refuse("Python bytecode with no code after its header");
    return std::optional<Detection>(std::move(d));
  }
};

}  // namespace

std::unique_ptr<AbiModule> make_pyc_module(const ModuleContext&) { return std::make_unique<PycModule>(); }

}  // namespace scarlet
