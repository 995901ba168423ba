// ELF machines and the qemu-user target that runs each, shared by the ELF
// module and by the native-executable samples the registry is checked against.
// Sources: the ELF gABI machine list and qemu's linux-user/*/target_elf.h.
#pragma once

#include <elf.h>

#include <cstdint>
#include <string_view>

namespace scarlet::elf {

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258  // glibc < 2.35
#endif

// One row per (e_machine, class): the target for each byte order (nullptr if
// qemu has none). MIPS n32 is a flag in e_flags, handled by the ELF module.
struct MachineRow {
  std::uint16_t machine;
  unsigned elf_class;
  const char* little;
  const char* big;
  const char* name;
};

inline constexpr MachineRow kMachines[] = {
    {EM_X86_64, ELFCLASS64, "x86_64", nullptr, "x86-64"},
    {EM_386, ELFCLASS32, "i386", nullptr, "Intel 80386"},
    {EM_AARCH64, ELFCLASS64, "aarch64", "aarch64_be", "AArch64"},
    {EM_ARM, ELFCLASS32, "arm", "armeb", "ARM"},
    {EM_RISCV, ELFCLASS64, "riscv64", nullptr, "RISC-V"},
    {EM_RISCV, ELFCLASS32, "riscv32", nullptr, "RISC-V"},
    {EM_PPC, ELFCLASS32, nullptr, "ppc", "PowerPC"},
    {EM_PPC64, ELFCLASS64, "ppc64le", "ppc64", "PowerPC64"},
    {EM_S390, ELFCLASS64, nullptr, "s390x", "IBM S/390"},
    {EM_MIPS, ELFCLASS64, "mips64el", "mips64", "MIPS"},
    {EM_MIPS, ELFCLASS32, "mipsel", "mips", "MIPS"},
    {EM_SPARC, ELFCLASS32, nullptr, "sparc", "SPARC"},
    {EM_SPARC32PLUS, ELFCLASS32, nullptr, "sparc32plus", "SPARC32PLUS"},
    {EM_SPARCV9, ELFCLASS64, nullptr, "sparc64", "SPARC V9"},
    {EM_68K, ELFCLASS32, nullptr, "m68k", "Motorola 68000"},
    {EM_SH, ELFCLASS32, "sh4", "sh4eb", "Renesas SuperH"},
    {EM_ALPHA, ELFCLASS64, "alpha", nullptr, "Alpha"},
    {EM_PARISC, ELFCLASS32, nullptr, "hppa", "PA-RISC"},
    {EM_LOONGARCH, ELFCLASS64, "loongarch64", nullptr, "LoongArch"},
    {EM_MICROBLAZE, ELFCLASS32, "microblazeel", "microblaze", "MicroBlaze"},
    {EM_OPENRISC, ELFCLASS32, nullptr, "or1k", "OpenRISC"},
    {EM_XTENSA, ELFCLASS32, "xtensa", "xtensaeb", "Xtensa"},
    {EM_QDSP6, ELFCLASS32, "hexagon", nullptr, "Hexagon"},
    {EM_CRIS, ELFCLASS32, "cris", nullptr, "Axis CRIS"},
    {EM_ALTERA_NIOS2, ELFCLASS32, "nios2", nullptr, "Nios II"},
};

// MIPS n32 programs: ELF32 with EF_MIPS_ABI2 set.
inline constexpr const char* kMipsN32Little = "mipsn32el";
inline constexpr const char* kMipsN32Big = "mipsn32";

}  // namespace scarlet::elf
