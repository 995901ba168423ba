// PE and PE32+ (Windows programs, for Wine) and CLR assemblies (.NET, for
// Mono or dotnet): an MZ header whose e_lfanew leads to "PE\0\0", a COFF
// header and an optional header. Layout from Microsoft's PE format spec.
#include "mz_header.h"
#include "scarlet/abi_module.h"

#include <cstdio>

namespace scarlet {
namespace {

constexpr std::uint16_t kPe32Magic = 0x10b, kPe32PlusMagic = 0x20b;
constexpr std::uint16_t kFileExecutableImage = 0x0002, kFileDll = 0x2000;
constexpr std::size_t kClrDirectory = 14;  // IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR
// How much of the metadata is searched for the target framework, and in what
// pieces: real assemblies' metadata is a few KiB to a few MiB.
constexpr std::uint64_t kMaxMetadataScan = 16 << 20;
constexpr std::size_t kScanChunk = 64 * 1024;
// The value of the TargetFrameworkAttribute the SDK writes into every
// assembly it builds, a string in the #Blob heap: ".NETCoreApp,Version=v8.0"
// for .NET Core and .NET 5+, ".NETFramework,Version=v4.8" for the .NET
// Framework (ECMA-335 II.23.3 custom attribute blobs; the names are the
// SDK's TargetFrameworkIdentifier values).
constexpr std::string_view kFrameworkPrefixes[] = {".NETCoreApp,Version=v", ".NETFramework,Version=v"};

const char* machine_format(std::uint16_t m) {
  switch (m) {
    case 0x014c: return "pe:i386";
    case 0x8664: return "pe:x86_64";
    case 0xaa64: return "pe:aarch64";
    case 0x01c0: case 0x01c2: case 0x01c4: return "pe:arm";
    default: return nullptr;
  }
}

const char* subsystem_name(std::uint16_t s) {
  switch (s) {
    case 1: return "native";
    case 2: return "windows-gui";
    case 3: return "windows-console";
    case 5: return "os2-console";
    case 7: return "posix-console";
    case 9: return "windows-ce";
    case 10: return "efi-application";
    case 11: return "efi-boot-driver";
    case 12: return "efi-runtime-driver";
    case 13: return "efi-rom";
    case 14: return "xbox";
    case 16: return "windows-boot";
    default: return "unknown";
  }
}

std::string hex16(std::uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", v);
  return buf;
}

std::string hex32(std::uint32_t v) {
  char buf[12];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

class PeModule final : public AbiModule {
 public:
  std::string_view name() const override { return "pe"; }
  std::vector<std::string> formats() const override {
    return {"pe:i386", "pe:x86_64", "pe:aarch64", "pe:arm", "clr", "clr-core"};
  }

  Sniff get_runtime_config(const FileView& file, std::string_view) const override {
    if (!mz::has_mz_magic(file.head())) return not_mine();
    auto sig = mz::pe_signature_offset(file);
    if (!sig) return not_mine();  // plain MS-DOS

    // COFF header (20 bytes) then the optional header, at most 240 bytes with
    // all 16 data directories.
    auto hdr = file.read(*sig, 4 + 20 + 240);
    if (!hdr.ok()) return hdr.status().wrap("PE header");
    ByteView h = *hdr;
    auto machine = le16(h, 4), nsections = le16(h, 6), opt_size = le16(h, 20), characteristics = le16(h, 22);
    auto opt_magic = le16(h, 24);
    if (!machine || !opt_size || !characteristics || !opt_magic) return refuse("truncated PE header");
    const bool plus = *opt_magic == kPe32PlusMagic;
    if (*opt_magic != kPe32Magic && !plus) return refuse("corrupt PE optional header (magic " + hex16(*opt_magic) + ")");
    ByteView opt = h.subspan(24, std::min<std::size_t>(*opt_size, h.size() - 24));
    auto subsystem = le16(opt, 68);
    const std::size_t dirs_at = plus ? 112 : 96;
    auto ndirs = le32(opt, dirs_at - 4);
    if (!subsystem || !ndirs) return refuse("truncated PE optional header");

    Detection d;
    d.facts.push_back({"pe", plus ? "PE32+" : "PE32"});
    d.facts.push_back({"machine", hex16(*machine)});
    d.facts.push_back({"subsystem", subsystem_name(*subsystem)});
    const bool dll = *characteristics & kFileDll;
    if (!(*characteristics & kFileExecutableImage)) return refuse("PE file is not marked as an executable image");
    if (*subsystem >= 10 && *subsystem <= 13) return refuse("PE file is an EFI image, not a Windows program");
    if (*subsystem == 1) return refuse("PE file is a Windows native-subsystem image (a driver), not a program");

    auto clr_rva = *ndirs > kClrDirectory ? le32(opt, dirs_at + kClrDirectory * 8) : std::nullopt;
    auto clr_size = *ndirs > kClrDirectory ? le32(opt, dirs_at + kClrDirectory * 8 + 4) : std::nullopt;
    if (clr_rva && clr_size && *clr_rva && *clr_size) {
      auto sections_at = std::uint64_t{*sig} + 24 + *opt_size;
      if (auto st = describe_clr(file, sections_at, nsections.value_or(0), *clr_rva, d); !st.ok()) return st;
      // .NET Core and .NET 5+ programs need dotnet (Mono cannot load their
      // System.Runtime); everything else is the .NET Framework's, as Mono runs.
      // Their programs are DLLs with an entry point ("dotnet app.dll").
      const std::string* framework = d.fact("target_framework");
      const bool core = framework && framework->starts_with(".NETCoreApp");
      if (dll && !(core && d.fact("entry_point")))
        return refuse(core ? ".NET assembly is a library (no entry point), not a program" : "PE file is a DLL, not a program");
      d.format = core ? "clr-core" : "clr";
      return std::optional<Detection>(std::move(d));
    }
    if (dll) return refuse("PE file is a DLL, not a program");
    const char* format = machine_format(*machine);
    if (!format) return refuse("PE program for machine " + hex16(*machine) + ", which no runtime here knows");
    d.format = format;
    return std::optional<Detection>(std::move(d));
  }

 private:
  // Adds facts from the CLI header (runtime version, flags) and the metadata
  // root's version string, mapping RVAs to file offsets through the sections.
  static Status describe_clr(const FileView& file, std::uint64_t sections_at, std::uint16_t nsections,
                             std::uint32_t rva, Detection& d) {
    auto table = file.read(sections_at, std::size_t{40} * std::min<std::uint16_t>(nsections, 96));
    if (!table.ok()) return table.status().wrap("PE section table");
    auto to_offset = [&](std::uint32_t r) -> std::optional<std::uint64_t> {
      for (std::size_t at = 0; at + 40 <= table->size(); at += 40) {
        auto vsize = *le32(*table, at + 8), va = *le32(*table, at + 12);
        auto raw_size = *le32(*table, at + 16), raw = *le32(*table, at + 20);
        auto span = std::max(vsize, raw_size);
        if (r >= va && r - va < span) return std::uint64_t{raw} + (r - va);
      }
      return std::nullopt;
    };
    auto cli_at = to_offset(rva);
    if (!cli_at) return Status::error(Code::invalid, "corrupt CLR header: its address is in no section");
    auto cli = file.read(*cli_at, 72);
    if (!cli.ok()) return cli.status().wrap("CLR header");
    auto major = le16(*cli, 4), minor = le16(*cli, 6);
    auto meta_rva = le32(*cli, 8), flags = le32(*cli, 16);
    if (!major || !minor || !meta_rva || !flags) return Status::error(Code::invalid, "truncated CLR header");
    d.facts.push_back({"clr_header", std::to_string(*major) + "." + std::to_string(*minor)});
    std::string f = (*flags & 1) ? "IL-only" : "mixed-mode";
    if (*flags & 2) f += ", 32-bit required";
    if (*flags & 0x20000) f += ", 32-bit preferred";
    d.facts.push_back({"clr_flags", f});
    // EntryPointToken: a MethodDef (table 0x06) or, for a native entry
    // point, a File token; 0 in a library.
    if (auto entry = le32(*cli, 20); entry && *entry) d.facts.push_back({"entry_point", hex32(*entry)});
    auto meta_size = le32(*cli, 12).value_or(0);
    if (auto meta_at = to_offset(*meta_rva)) {
      if (auto framework = target_framework(file, *meta_at, meta_size)) d.facts.push_back({"target_framework", *framework});
      auto meta = file.read(*meta_at, 16 + 256);
      if (meta.ok() && has_magic(*meta, 0, "BSJB")) {
        auto len = le32(*meta, 12).value_or(0);
        std::string version;
        for (std::size_t i = 16; i < meta->size() && i < 16 + std::size_t{len} && (*meta)[i]; ++i)
          version += static_cast<char>((*meta)[i]);
        if (!version.empty()) d.facts.push_back({"clr_version", version});
      }
    }
    return {};
  }

  // The target framework string in the metadata ("" if none is found),
  // searched a chunk at a time, each overlapping the last by a prefix's length.
  static std::optional<std::string> target_framework(const FileView& file, std::uint64_t at, std::uint32_t size) {
    const std::uint64_t end = at + std::min<std::uint64_t>(size, kMaxMetadataScan);
    constexpr std::size_t kOverlap = 64;
    for (std::uint64_t pos = at; pos < end; pos += kScanChunk) {
      auto chunk = file.read(pos, static_cast<std::size_t>(std::min<std::uint64_t>(kScanChunk + kOverlap, end - pos)));
      if (!chunk.ok() || chunk->empty()) return std::nullopt;
      std::string_view text(reinterpret_cast<const char*>(chunk->data()), chunk->size());
      for (std::string_view prefix : kFrameworkPrefixes) {
        auto found = text.find(prefix);
        if (found == std::string_view::npos) continue;
        auto version_end = text.find_first_not_of("0123456789.", found + prefix.size());
        if (version_end == std::string_view::npos) version_end = text.size();
        return std::string(text.substr(found, version_end - found));
      }
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<AbiModule> make_pe_module(const ModuleContext&) { return std::make_unique<PeModule>(); }

}  // namespace scarlet
