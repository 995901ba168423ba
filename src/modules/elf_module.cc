// ELF: Linux programs for every qemu-user target, told apart by class, byte
// order, e_machine and, for MIPS, the n32 flag in e_flags. Headers are decoded
// by libelf over a bounded copy of the file's start; nothing is trusted to
// size a read beyond FileView's caps.
#include <elf.h>
#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <cstring>

#include "elf_machines.h"
#include "scarlet/abi_module.h"

namespace scarlet {
namespace {

using elf::kMachines;
using elf::MachineRow;

const char* osabi_name(unsigned osabi) {
  switch (osabi) {
    case ELFOSABI_SYSV: return "SYSV";
    case ELFOSABI_GNU: return "GNU/Linux";
    case ELFOSABI_HPUX: return "HP-UX";
    case ELFOSABI_NETBSD: return "NetBSD";
    case ELFOSABI_SOLARIS: return "Solaris";
    case ELFOSABI_AIX: return "AIX";
    case ELFOSABI_IRIX: return "IRIX";
    case ELFOSABI_FREEBSD: return "FreeBSD";
    case ELFOSABI_TRU64: return "Tru64";
    case ELFOSABI_MODESTO: return "Modesto";
    case ELFOSABI_OPENBSD: return "OpenBSD";
    case ELFOSABI_ARM_AEABI: return "ARM EABI";
    case ELFOSABI_ARM: return "ARM";
    case ELFOSABI_STANDALONE: return "standalone";
    default: return nullptr;
  }
}

// The OS a PT_NOTE names, if it names one that is not Linux: the GNU ABI tag
// (whose first word is the OS) or the BSDs' own notes.
const char* foreign_os_note(ByteView notes, bool big_endian) {
  std::size_t off = 0;
  auto word = [&](std::size_t at) {
    return big_endian ? be32(notes, at) : le32(notes, at);
  };
  while (off + 12 <= notes.size()) {
    auto namesz = *word(off), descsz = *word(off + 4), type = *word(off + 8);
    std::size_t name_at = off + 12;
    std::size_t desc_at = name_at + ((std::size_t{namesz} + 3) & ~std::size_t{3});
    std::size_t next = desc_at + ((std::size_t{descsz} + 3) & ~std::size_t{3});
    if (namesz > notes.size() || descsz > notes.size() || next > notes.size()) break;
    std::string_view name(reinterpret_cast<const char*>(notes.data() + name_at), namesz ? namesz - 1 : 0);
    if (name == "FreeBSD") return "FreeBSD";
    if (name == "NetBSD") return "NetBSD";
    if (name == "OpenBSD") return "OpenBSD";
    if (name == "GNU" && type == NT_GNU_ABI_TAG && descsz >= 4) {
      switch (*word(desc_at)) {
        case ELF_NOTE_OS_LINUX: break;
        case ELF_NOTE_OS_GNU: return "GNU/Hurd";
        case ELF_NOTE_OS_SOLARIS2: return "Solaris";
        case ELF_NOTE_OS_FREEBSD: return "FreeBSD";
        default: return "a non-Linux OS";
      }
    }
    off = next;
  }
  return nullptr;
}

// A plain absolute path: "/" then components none of which is empty, "."
// or "..". Runtimes look a foreign program's interpreter up beneath a
// sysroot (QEMU_LD_PREFIX), so nothing else in PT_INTERP has a use.
bool plain_absolute(std::string_view path) {
  if (path.size() < 2 || path[0] != '/') return false;
  std::size_t at = 1;
  for (;;) {
    auto end = path.find('/', at);
    auto part = path.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    if (part.empty() || part == "." || part == "..") return false;
    if (end == std::string_view::npos) return true;
    at = end + 1;
  }
}

std::string mips_abi(unsigned elf_class, std::uint32_t flags) {
  if (elf_class == ELFCLASS64) return "n64";
  return (flags & EF_MIPS_ABI2) ? "n32" : "o32";
}

class ElfHandle {
 public:
  explicit ElfHandle(Bytes& image)
      : elf_(elf_memory(reinterpret_cast<char*>(image.data()), image.size())) {}
  ~ElfHandle() { elf_end(elf_); }
  ElfHandle(const ElfHandle&) = delete;
  ElfHandle& operator=(const ElfHandle&) = delete;
  Elf* get() const { return elf_; }

 private:
  Elf* elf_;
};

class ElfModule final : public AbiModule {
 public:
  explicit ElfModule(HostAbi host) : host_(std::move(host)) { elf_version(EV_CURRENT); }

  std::string_view name() const override { return "elf"; }

  std::vector<std::string> formats() const override {
    std::vector<std::string> out;
    for (const auto& row : kMachines)
      for (const char* t : {row.little, row.big})
        if (t) out.push_back(std::string("elf:") + t);
    for (const char* t : {elf::kMipsN32Big, elf::kMipsN32Little}) out.push_back(std::string("elf:") + t);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  Sniff get_runtime_config(const FileView& file, std::string_view) const override {
    ByteView head = file.head();
    if (!has_magic(head, 0, ELFMAG)) return not_mine();
    if (head.size() < EI_NIDENT) return refuse("truncated ELF header");
    const unsigned elf_class = head[EI_CLASS], data = head[EI_DATA];
    if ((elf_class != ELFCLASS32 && elf_class != ELFCLASS64) ||
        (data != ELFDATA2LSB && data != ELFDATA2MSB) || head[EI_VERSION] != EV_CURRENT)
      return refuse("corrupt ELF identification (class, byte order or version)");
    const std::size_t ehdr_size = elf_class == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    if (head.size() < ehdr_size) return refuse("truncated ELF header");

    // Program headers usually sit right after the ELF header, inside the
    // head; otherwise read a longer prefix, bounded by FileView's caps.
    Bytes image(head.begin(), head.end());
    if (auto need = program_headers_end(head, elf_class, data); need > image.size()) {
      if (need > file.size()) return refuse("truncated ELF file: program headers lie past its end");
      auto longer = file.read(0, static_cast<std::size_t>(std::min<std::uint64_t>(need, FileView::kMaxRead)));
      if (!longer.ok()) return longer.status().wrap("ELF program headers");
      image = std::move(longer).value();
    }

    ElfHandle elf(image);
    GElf_Ehdr ehdr;
    if (!elf.get() || !gelf_getehdr(elf.get(), &ehdr))
      return refuse(std::string("corrupt ELF header: ") + elf_errmsg(-1));

    Detection d;
    const bool big = data == ELFDATA2MSB;
    d.facts.push_back({"class", elf_class == ELFCLASS64 ? "ELF64" : "ELF32"});
    d.facts.push_back({"endian", big ? "big" : "little"});

    const MachineRow* row = nullptr;    // this machine in this class: what qemu runs
    const MachineRow* named = nullptr;  // this machine in any class: for messages
    for (const auto& r : kMachines) {
      if (r.machine != ehdr.e_machine) continue;
      named = &r;
      if (r.elf_class == elf_class) row = &r;
    }
    std::string machine_fact = (named ? std::string(named->name) + " " : std::string("machine ")) +
                               "(" + std::to_string(ehdr.e_machine) + ")";
    d.facts.push_back({"machine", machine_fact});

    if (ehdr.e_type != ET_EXEC && ehdr.e_type != ET_DYN) {
      const char* what = ehdr.e_type == ET_REL ? "a relocatable object" : ehdr.e_type == ET_CORE ? "a core dump" : "an unknown ELF type";
      return refuse(std::string("ELF file is ") + what + ", not a program");
    }
    d.facts.push_back({"type", ehdr.e_type == ET_EXEC ? "EXEC" : "DYN"});

    const unsigned osabi = ehdr.e_ident[EI_OSABI];
    const char* os = osabi_name(osabi);
    d.facts.push_back({"osabi", os ? os : std::to_string(osabi)});
    if (osabi != ELFOSABI_SYSV && osabi != ELFOSABI_GNU)
      return refuse(std::string(os ? os : "non-Linux") + " ELF program, not a Linux program");

    std::size_t phnum = 0;
    if (elf_getphdrnum(elf.get(), &phnum) != 0) return refuse(std::string("corrupt ELF program headers: ") + elf_errmsg(-1));
    if (phnum == 0) return refuse("ELF file has no program headers, so it cannot be run");
    // As Linux's load_elf_phdrs: more than 64 KiB of program headers is not
    // a program the kernel would load.
    if (phnum > kMaxProgramHeaderBytes / (elf_class == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
      return refuse("ELF file has " + std::to_string(phnum) + " program headers, more than Linux loads (64 KiB of them)");
    std::string interp;
    std::uint64_t notes_left = kMaxNoteBytes;  // many PT_NOTEs may all cover the same megabyte
    for (std::size_t i = 0; i < phnum; ++i) {
      GElf_Phdr ph;
      if (!gelf_getphdr(elf.get(), static_cast<int>(i), &ph))
        return refuse(std::string("corrupt ELF program header: ") + elf_errmsg(-1));
      if (ph.p_type == PT_INTERP) {
        auto s = read_string(file, ph.p_offset, ph.p_filesz);
        if (!s.ok()) return s.status().wrap("ELF interpreter path");
        interp = std::move(s).value();
      } else if (ph.p_type == PT_NOTE && ph.p_offset < image.size() && notes_left > 0) {
        auto len = std::min<std::uint64_t>({ph.p_filesz, image.size() - ph.p_offset, notes_left});
        notes_left -= len;
        ByteView notes(image.data() + ph.p_offset, static_cast<std::size_t>(len));
        if (const char* other = foreign_os_note(notes, big))
          return refuse(std::string(other) + " ELF program, not a Linux program");
      }
    }
    d.facts.push_back({"linkage", interp.empty() ? "static" : "dynamic"});
    if (!interp.empty()) d.facts.push_back({"interp", interp});

    if (!row)
      return refuse(std::string(elf_class == ELFCLASS64 ? "ELF64 " : "ELF32 ") + machine_fact +
                    " program, which no qemu-user target runs");
    const char* target = big ? row->big : row->little;
    if (ehdr.e_machine == EM_MIPS) {
      auto abi = mips_abi(elf_class, static_cast<std::uint32_t>(ehdr.e_flags));
      d.facts.push_back({"mips_abi", abi});
      if (abi == "n32") target = big ? elf::kMipsN32Big : elf::kMipsN32Little;
    }
    if (!target) return refuse(std::string(big ? "big" : "little") + "-endian " + row->name + " ELF program, which no qemu-user target runs");

    std::string format = std::string("elf:") + target;
    d.facts.push_back({"abi", format});
    if (!interp.empty() && !host_.runs(format) && !plain_absolute(interp))
      return refuse("its ELF interpreter \"" + interp + "\" is not a plain absolute path");
    d.format = host_.runs(format) ? std::string(kNativeFormat) : format;
    return std::optional<Detection>(std::move(d));
  }

 private:
  static constexpr std::size_t kMaxProgramHeaderBytes = 65536;
  // Notes looked at in all, for another OS's tag: real programs have some
  // hundred bytes of notes, and the tags come first.
  static constexpr std::uint64_t kMaxNoteBytes = 64 * 1024;

  static std::uint64_t program_headers_end(ByteView h, unsigned elf_class, unsigned data) {
    auto u16 = [&](std::size_t at) { return std::uint64_t(*(data == ELFDATA2MSB ? be16(h, at) : le16(h, at))); };
    auto u32 = [&](std::size_t at) { return std::uint64_t(*(data == ELFDATA2MSB ? be32(h, at) : le32(h, at))); };
    std::uint64_t phoff = elf_class == ELFCLASS64 ? (data == ELFDATA2MSB ? (u32(32) << 32) | u32(36) : (u32(36) << 32) | u32(32)) : u32(28);
    std::uint64_t entsize = u16(elf_class == ELFCLASS64 ? 54 : 42), num = u16(elf_class == ELFCLASS64 ? 56 : 44);
    if (phoff > (std::uint64_t{1} << 40)) return phoff;  // absurd: let the size check refuse it
    return phoff + entsize * num;
  }

  static Result<std::string> read_string(const FileView& file, std::uint64_t off, std::uint64_t len) {
    if (len == 0 || len > 4096) return Result<std::string>(Code::invalid, "bad length " + std::to_string(len));
    auto bytes = file.read(off, static_cast<std::size_t>(len));
    if (!bytes.ok()) return bytes.status();
    if (bytes->size() != len) return Result<std::string>(Code::invalid, "truncated");
    std::string s(bytes->begin(), bytes->end());
    s.resize(std::strlen(s.c_str()));  // stop at the NUL
    return s;
  }

  HostAbi host_;
};

}  // namespace

std::unique_ptr<AbiModule> make_elf_module(const ModuleContext& context) {
  return std::make_unique<ElfModule>(context.host);
}

}  // namespace scarlet
