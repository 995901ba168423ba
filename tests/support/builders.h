// Byte builders for test fixtures: small, readable descriptions of binary
// headers (ELF, MZ/PE, Java class, zip) turned into bytes, so module tests and
// fuzz seeds never need opaque blobs. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace scarlet::test {

struct ElfSpec {
  unsigned elf_class = 2;   // ELFCLASS64
  unsigned data = 1;        // ELFDATA2LSB
  std::uint16_t machine = 183;  // EM_AARCH64
  std::uint16_t type = 2;   // ET_EXEC
  std::uint8_t osabi = 0;
  std::uint32_t flags = 0;
  std::string interp;       // adds PT_INTERP when set
  std::string note;         // raw PT_NOTE contents when set (see elf_note)
  std::uint64_t phoff = 0;  // 0: right after the ELF header
};
std::string build_elf(const ElfSpec& spec);
// One ELF note record in the given byte order.
std::string elf_note(const std::string& name, std::uint32_t type, const std::string& desc, bool big_endian);
std::string u32_bytes(std::uint32_t v, bool big_endian);

struct MzSpec {
  std::uint16_t pages = 1;         // e_cp
  std::uint16_t last_page = 0x60;  // e_cblp
  std::uint16_t header_paras = 4;  // e_cparhdr
  std::uint32_t lfanew = 0;
  std::size_t file_size = 0x60;
  std::string signature_at_lfanew;  // e.g. "NE" or "PE\0\0"
};
std::string build_mz(const MzSpec& spec);

struct PeSpec {
  std::uint16_t machine = 0x8664;
  bool plus = true;                      // PE32+ (else PE32)
  std::uint16_t subsystem = 3;           // console
  std::uint16_t characteristics = 0x0022;  // executable image, large-address aware
  bool clr = false;                      // add a CLI header and metadata root
  std::uint32_t clr_flags = 1;           // IL-only
  std::uint32_t entry_point = 0x06000001;  // the CLI header's EntryPointToken (0 in a library)
  std::string target_framework;          // a TargetFrameworkAttribute blob in the metadata, e.g. ".NETCoreApp,Version=v8.0"
};
std::string build_pe(const PeSpec& spec);

struct ClassSpec {
  std::string name = "com/example/Hello";
  std::uint16_t major = 61, minor = 0;
  std::uint16_t access = 0x0021;  // public super
  bool main = true;
  bool static_main = true;
};
std::string build_class(const ClassSpec& spec);

// A zip archive with the given (name, contents) entries, deflated, via libzip.
std::string build_zip(const std::vector<std::pair<std::string, std::string>>& entries);

// Issue 11's hostile files (finding 5), each built to cost a decision as
// much as its format allows. A runnable jar whose central directory lists
// `entries` more files, every one pointing at the manifest's own local
// header (~47 bytes each), with zip64 end records past 65 535 entries:
std::string build_wide_jar(std::uint64_t entries);
// A 1 MiB aarch64 ELF whose `notes` program headers are all PT_NOTE, each
// covering the same notes, which lie between the ELF header and them.
std::string build_note_storm_elf(std::uint64_t notes);

}  // namespace scarlet::test
