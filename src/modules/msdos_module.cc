// MS-DOS programs, for DOSBox: MZ executables that are not PE files, and
// .COM programs, which have no header and are known only by their extension.
#include <algorithm>
#include <cctype>

#include "mz_header.h"
#include "scarlet/abi_module.h"

namespace scarlet {
namespace {

constexpr std::uint64_t kMaxComSize = 0xff00;  // 64 KiB segment minus the 256-byte PSP

bool has_com_extension(std::string_view path) {
  if (path.size() < 4) return false;
  auto ext = path.substr(path.size() - 4);
  std::string lower(ext);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == ".com";
}

class MsdosModule final : public AbiModule {
 public:
  std::string_view name() const override { return "msdos"; }
  std::vector<std::string> formats() const override { return {"msdos"}; }

  Sniff get_runtime_config(const FileView& file, std::string_view path) const override {
    ByteView h = file.head();
    Detection d;
    d.format = "msdos";
    if (has_magic(h, 0, "MZ") || has_magic(h, 0, "ZM")) {
      if (mz::pe_signature_offset(file)) return not_mine();  // a PE file
      auto last_page = le16(h, 2), pages = le16(h, 4), header_paras = le16(h, 8);
      if (!last_page || !pages || !header_paras) return refuse("truncated MS-DOS header");
      if (*pages == 0) return refuse("corrupt MS-DOS header (zero pages)");
      std::uint64_t image = std::uint64_t{*pages - 1u} * 512 + (*last_page ? *last_page : 512);
      if (std::uint64_t{*header_paras} * 16 > image) return refuse("corrupt MS-DOS header (header larger than image)");
      if (image > file.size())
        return refuse("truncated MS-DOS program: its header says " + std::to_string(image) +
                      " bytes, the file has " + std::to_string(file.size()));
      d.facts.push_back({"kind", "MZ executable"});
      d.facts.push_back({"image_size", std::to_string(image)});
      if (auto ne = new_header(file)) d.facts.push_back({"new_header", ne});
      return std::optional<Detection>(std::move(d));
    }
    if (!has_com_extension(path) || has_magic(h, 0, "#!")) return not_mine();  // "#!": a script named .com
    if (file.size() == 0) return refuse("empty .COM file");
    if (file.size() > kMaxComSize) return refuse("too large for a .COM program (" + std::to_string(file.size()) + " bytes)");
    d.facts.push_back({"kind", "COM program"});
    d.facts.push_back({"image_size", std::to_string(file.size())});
    return std::optional<Detection>(std::move(d));
  }

 private:
  // NE/LE/LX headers: DOS runs only such a file's stub; say so.
  static const char* new_header(const FileView& file) {
    auto lfanew = le32(file.head(), mz::kLfanewOffset);
    if (!lfanew || *lfanew < mz::kHeaderSize) return nullptr;
    auto sig = file.read(*lfanew, 2);
    if (!sig.ok()) return nullptr;
    if (has_magic(*sig, 0, "NE")) return "NE (16-bit Windows or OS/2; DOS runs only its stub)";
    if (has_magic(*sig, 0, "LE")) return "LE (DOS extender or VxD)";
    if (has_magic(*sig, 0, "LX")) return "LX (DOS extender or OS/2)";
    return nullptr;
  }
};

}  // namespace

std::unique_ptr<AbiModule> make_msdos_module(const ModuleContext&) { return std::make_unique<MsdosModule>(); }

}  // namespace scarlet
