// WebAssembly: a core module ("wasm", run by a WASI runtime) or a component
// ("wasm-component"). Both start "\0asm"; the next two 16-bit words are the
// version and the layer (0 for core modules, 1 for components), per the core
// spec and the component model's binary format.
#include <algorithm>

#include "scarlet/abi_module.h"

namespace scarlet {
namespace {

constexpr std::size_t kPreamble = 8;
constexpr std::uint8_t kImportSection = 2;

// Unsigned LEB128, at most 5 bytes (u32), advancing `at`.
std::optional<std::uint32_t> leb_u32(ByteView b, std::size_t& at) {
  std::uint32_t v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (at >= b.size()) return std::nullopt;
    std::uint8_t byte = b[at++];
    v |= std::uint32_t(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return v;
  }
  return std::nullopt;
}

std::optional<std::string> name(ByteView b, std::size_t& at) {
  auto len = leb_u32(b, at);
  if (!len || *len > b.size() - at) return std::nullopt;
  std::string s(reinterpret_cast<const char*>(b.data() + at), *len);
  at += *len;
  return s;
}

// The distinct module names a core module imports from ("wasi_snapshot_preview1",
// "env"…), read from the import section if it lies in `b`.
std::vector<std::string> import_modules(ByteView b) {
  std::vector<std::string> out;
  std::size_t at = kPreamble;
  while (at < b.size()) {
    std::uint8_t id = b[at++];
    auto size = leb_u32(b, at);
    if (!size || *size > b.size() - at) break;
    if (id != kImportSection) {
      at += *size;
      continue;
    }
    ByteView sec = b.subspan(at, *size);
    std::size_t p = 0;
    auto count = leb_u32(sec, p);
    for (std::uint32_t i = 0; count && i < *count && i < 10000; ++i) {
      auto mod = name(sec, p), field = name(sec, p);
      if (!mod || !field || p >= sec.size()) break;
      if (std::find(out.begin(), out.end(), *mod) == out.end()) out.push_back(*mod);
      // Skip the import description: kind byte, then a type index, a table,
      // memory or global type. Only the first field we need is parsed.
      std::uint8_t kind = sec[p++];
      if (kind == 0) { if (!leb_u32(sec, p)) break; }
      else if (kind == 1) { p += 1; auto flags = leb_u32(sec, p); if (!flags || !leb_u32(sec, p) || ((*flags & 1) && !leb_u32(sec, p))) break; }
      else if (kind == 2) { auto flags = leb_u32(sec, p); if (!flags || !leb_u32(sec, p) || ((*flags & 1) && !leb_u32(sec, p))) break; }
      else if (kind == 3) { p += 2; }
      else break;
    }
    break;
  }
  return out;
}

class WasmModule final : public AbiModule {
 public:
  std::string_view name() const override { return "wasm"; }
  std::vector<std::string> formats() const override { return {"wasm", "wasm-component"}; }

  Sniff get_runtime_config(const FileView& file, std::string_view) const override {
    ByteView h = file.head();
    if (!has_magic(h, 0, std::string_view("\0asm", 4))) return not_mine();
    if (h.size() < kPreamble) return refuse("truncated WebAssembly preamble");
    auto version = *le16(h, 4), layer = *le16(h, 6);
    Detection d;
    if (layer == 0 && version == 1) {
      d.format = "wasm";
      d.facts.push_back({"kind", "core module"});
      auto longer = file.read(0, static_cast<std::size_t>(std::min<std::uint64_t>(file.size(), FileView::kMaxRead)));
      if (!longer.ok()) return longer.status().wrap("WebAssembly module");
      std::string imports;
      for (const auto& m : import_modules(*longer)) imports += (imports.empty() ? "" : ", ") + m;
      d.facts.push_back({"imports", imports.empty() ? "(none)" : imports});
    } else if (layer == 1) {
      d.format = "wasm-component";
      d.facts.push_back({"kind", "component"});
    } else {
      return refuse("unknown WebAssembly version " + std::to_string(version) + " (layer " + std::to_string(layer) + ")");
    }
    d.facts.push_back({"version", std::to_string(version)});
    return std::optional<Detection>(std::move(d));
  }
};

}  // namespace

std::unique_ptr<AbiModule> make_wasm_module(const ModuleContext&) { return std::make_unique<WasmModule>(); }

}  // namespace scarlet
