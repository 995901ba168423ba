// Every qemu-user target as an ELF header description, independent of the
// module's own table, so tests check the module and the registry against it.
#pragma once

#include <elf.h>

#include <cstdint>

namespace scarlet::test {

struct Target {
  const char* format;
  std::uint16_t machine;
  unsigned elf_class, data;
  std::uint32_t flags = 0;
};

inline const Target kTargets[] = {
    {"elf:aarch64", EM_AARCH64, 2, 1},       {"elf:aarch64_be", EM_AARCH64, 2, 2},
    {"elf:arm", EM_ARM, 1, 1},               {"elf:armeb", EM_ARM, 1, 2},
    {"elf:riscv32", EM_RISCV, 1, 1},         {"elf:riscv64", EM_RISCV, 2, 1},
    {"elf:ppc", EM_PPC, 1, 2},               {"elf:ppc64", EM_PPC64, 2, 2},
    {"elf:ppc64le", EM_PPC64, 2, 1},         {"elf:s390x", EM_S390, 2, 2},
    {"elf:mips", EM_MIPS, 1, 2},             {"elf:mipsel", EM_MIPS, 1, 1},
    {"elf:mipsn32", EM_MIPS, 1, 2, EF_MIPS_ABI2}, {"elf:mipsn32el", EM_MIPS, 1, 1, EF_MIPS_ABI2},
    {"elf:mips64", EM_MIPS, 2, 2},           {"elf:mips64el", EM_MIPS, 2, 1},
    {"elf:sparc", EM_SPARC, 1, 2},           {"elf:sparc32plus", EM_SPARC32PLUS, 1, 2},
    {"elf:sparc64", EM_SPARCV9, 2, 2},       {"elf:m68k", EM_68K, 1, 2},
    {"elf:sh4", EM_SH, 1, 1},                {"elf:sh4eb", EM_SH, 1, 2},
    {"elf:alpha", EM_ALPHA, 2, 1},           {"elf:hppa", EM_PARISC, 1, 2},
    {"elf:loongarch64", 258, 2, 1},          {"elf:microblaze", EM_MICROBLAZE, 1, 2},
    {"elf:microblazeel", EM_MICROBLAZE, 1, 1}, {"elf:or1k", EM_OPENRISC, 1, 2},
    {"elf:xtensa", EM_XTENSA, 1, 1},         {"elf:xtensaeb", EM_XTENSA, 1, 2},
    {"elf:hexagon", EM_QDSP6, 1, 1},         {"elf:cris", EM_CRIS, 1, 1},
    {"elf:nios2", EM_ALTERA_NIOS2, 1, 1},    {"elf:x86_64", EM_X86_64, 2, 1},
    {"elf:i386", EM_386, 1, 1},
};

}  // namespace scarlet::test
