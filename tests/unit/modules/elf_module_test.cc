#include <elf.h>

#include <chrono>

#include <catch2/catch.hpp>

#include "support/builders.h"
#include "support/qemu_targets.h"
#include "support/sniff.h"

using namespace scarlet;
using namespace scarlet::test;

namespace {

ElfSpec spec_for(const Target& t) {
  ElfSpec s;
  s.machine = t.machine;
  s.elf_class = t.elf_class;
  s.data = t.data;
  s.flags = t.flags;
  return s;
}

}  // namespace

TEST_CASE("elf: every qemu-user target is told apart, as executable and PIE", "[elf]") {
  auto m = make_elf_module({HostAbi(), {}});  // a host that runs no ELF itself
  for (const auto& t : kTargets) {
    for (std::uint16_t type : {std::uint16_t{ET_EXEC}, std::uint16_t{ET_DYN}}) {
      ElfSpec s = spec_for(t);
      s.type = type;
      INFO(t.format << " type " << type);
      CHECK(format_of(*m, build_elf(s)) == t.format);
    }
  }
}

TEST_CASE("elf: formats() lists every target the module can return", "[elf]") {
  auto m = make_elf_module(x86_host());
  auto formats = m->formats();
  for (const auto& t : kTargets) CHECK(std::find(formats.begin(), formats.end(), t.format) != formats.end());
  CHECK(std::find(formats.begin(), formats.end(), "elf:x86_64") != formats.end());
  CHECK(std::find(formats.begin(), formats.end(), "elf:i386") != formats.end());
}

TEST_CASE("elf: the host's own ABIs are native, with the ABI as a fact", "[elf]") {
  auto m = make_elf_module(x86_host());
  ElfSpec s;
  s.machine = EM_X86_64;
  auto r = sniff(*m, build_elf(s));
  REQUIRE(r.ok());
  REQUIRE(*r);
  CHECK((*r)->native());
  CHECK(*(*r)->fact("abi") == "elf:x86_64");

  s.machine = EM_386;
  s.elf_class = 1;
  CHECK(format_of(*m, build_elf(s)) == "native");

  auto arm_host = make_elf_module({HostAbi({"elf:aarch64", "elf:arm"}), {}});
  CHECK(format_of(*arm_host, build_elf(s)) == "elf:i386");
  s.machine = EM_ARM;
  CHECK(format_of(*arm_host, build_elf(s)) == "native");
}

TEST_CASE("elf: a dynamic PIE reports its interpreter", "[elf]") {
  auto m = make_elf_module(x86_host());
  ElfSpec s;
  s.type = ET_DYN;
  s.interp = "/lib/ld-linux-aarch64.so.1";
  auto r = sniff(*m, build_elf(s));
  REQUIRE(r.ok());
  CHECK(*(*r)->fact("linkage") == "dynamic");
  CHECK(*(*r)->fact("interp") == "/lib/ld-linux-aarch64.so.1");
  CHECK(*(*r)->fact("type") == "DYN");
  s.interp.clear();
  r = sniff(*m, build_elf(s));
  CHECK(*(*r)->fact("linkage") == "static");
}

TEST_CASE("elf: MIPS o32 and n32 are told apart by e_flags", "[elf]") {
  auto m = make_elf_module(x86_host());
  ElfSpec s;
  s.machine = EM_MIPS;
  s.elf_class = 1;
  auto r = sniff(*m, build_elf(s));
  CHECK(*(*r)->fact("mips_abi") == "o32");
  s.flags = EF_MIPS_ABI2 | 0x7;  // other flag bits do not matter
  r = sniff(*m, build_elf(s));
  CHECK((*r)->format == "elf:mipsn32el");
  CHECK(*(*r)->fact("mips_abi") == "n32");
}

TEST_CASE("elf: programs for other operating systems are refused", "[elf]") {
  auto m = make_elf_module(x86_host());
  ElfSpec s;
  s.osabi = ELFOSABI_FREEBSD;
  CHECK(format_of(*m, build_elf(s)) == "refused: FreeBSD ELF program, not a Linux program");
  s.osabi = ELFOSABI_GNU;
  CHECK(format_of(*m, build_elf(s)) == "elf:aarch64");

  s.osabi = 0;  // NetBSD and OpenBSD leave OSABI at 0 and say who they are in a note
  s.note = elf_note("NetBSD", 1, u32_bytes(199905, false), false);
  CHECK(format_of(*m, build_elf(s)) == "refused: NetBSD ELF program, not a Linux program");
  s.note = elf_note("GNU", NT_GNU_ABI_TAG, u32_bytes(ELF_NOTE_OS_GNU, false) + std::string(12, '\0'), false);
  CHECK(format_of(*m, build_elf(s)) == "refused: GNU/Hurd ELF program, not a Linux program");
  s.note = elf_note("GNU", NT_GNU_ABI_TAG, u32_bytes(ELF_NOTE_OS_LINUX, false) + std::string(12, '\0'), false);
  CHECK(format_of(*m, build_elf(s)) == "elf:aarch64");
}

TEST_CASE("elf: objects, core dumps and unrunnable machines are refused clearly", "[elf]") {
  auto m = make_elf_module(x86_host());
  ElfSpec s;
  s.type = ET_REL;
  CHECK(format_of(*m, build_elf(s)) == "refused: ELF file is a relocatable object, not a program");
  s.type = ET_CORE;
  CHECK(format_of(*m, build_elf(s)) == "refused: ELF file is a core dump, not a program");
  s.type = ET_EXEC;
  s.machine = EM_X86_64;
  s.elf_class = 1;  // x32
  CHECK(format_of(*m, build_elf(s)) == "refused: ELF32 x86-64 (62) program, which no qemu-user target runs");
  s.machine = EM_386;
  s.data = 2;  // big-endian i386 does not exist
  CHECK(format_of(*m, build_elf(s)).starts_with("refused: big-endian Intel 80386"));
  s = ElfSpec{};
  s.machine = 0x1234;
  CHECK(format_of(*m, build_elf(s)) == "refused: ELF64 machine (4660) program, which no qemu-user target runs");
}

TEST_CASE("elf: truncated and corrupted headers are refused without a crash", "[elf]") {
  auto m = make_elf_module(x86_host());
  std::string good = build_elf(ElfSpec{});
  CHECK(format_of(*m, "\x7f" "ELF") == "refused: truncated ELF header");
  CHECK(format_of(*m, good.substr(0, 40)) == "refused: truncated ELF header");
  CHECK(format_of(*m, good.substr(0, 70)) == "refused: truncated ELF file: program headers lie past its end");
  std::string bad_class = good;
  bad_class[4] = 7;
  CHECK(format_of(*m, bad_class) == "refused: corrupt ELF identification (class, byte order or version)");
  std::string huge_phoff = good;
  huge_phoff.replace(32, 8, std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8));
  CHECK(format_of(*m, huge_phoff).starts_with("refused: truncated ELF file"));
  ElfSpec s;
  s.interp = "/lib/ld.so";
  std::string bad_interp = build_elf(s);
  bad_interp.replace(64 + 32, 8, std::string("\0\0\0\0\0\0\x10\0", 8));  // p_filesz of PT_INTERP: 4 TiB
  CHECK(format_of(*m, bad_interp).starts_with("refused: ELF interpreter path"));
}

TEST_CASE("elf: program headers beyond the first 4 KiB are still read", "[elf]") {
  auto m = make_elf_module(x86_host());
  ElfSpec s;
  s.phoff = 10000;
  s.interp = "/lib/ld-linux-aarch64.so.1";
  auto r = sniff(*m, build_elf(s));
  REQUIRE(r.ok());
  CHECK((*r)->format == "elf:aarch64");
  CHECK(*(*r)->fact("interp") == "/lib/ld-linux-aarch64.so.1");
}

TEST_CASE("elf: other files are not claimed", "[elf]") {
  auto m = make_elf_module(x86_host());
  CHECK(format_of(*m, "") == "");
  CHECK(format_of(*m, "#!/bin/sh\n") == "");
  CHECK(format_of(*m, "\x7f" "EL") == "");
}

TEST_CASE("elf: a foreign interpreter that is not a plain absolute path is refused (issue 11, finding 6)", "[elf]") {
  auto m = make_elf_module(x86_host());
  ElfSpec s;
  for (const char* bad : {"/../../root/secret", "/lib/../etc/shadow", "lib/ld.so", "/lib//ld.so", "/lib/./ld.so", "/"}) {
    s.interp = bad;
    INFO(bad);
    CHECK(format_of(*m, build_elf(s)) == std::string("refused: its ELF interpreter \"") + bad + "\" is not a plain absolute path");
  }
  s.interp = "/lib/ld-linux-aarch64.so.1";
  CHECK(format_of(*m, build_elf(s)) == "elf:aarch64");
}

TEST_CASE("elf: more program headers than Linux loads are refused at once (issue 11, finding 5)", "[elf]") {
  auto m = make_elf_module(x86_host());
  const auto started = std::chrono::steady_clock::now();
  CHECK(format_of(*m, build_note_storm_elf(16384)) ==
        "refused: ELF file has 16384 program headers, more than Linux loads (64 KiB of them)");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(500));
}

TEST_CASE("elf: many PT_NOTEs over the same notes cost one bounded scan (issue 11, finding 5)", "[elf]") {
  auto m = make_elf_module(x86_host());
  const std::string hostile = build_note_storm_elf(65536 / 56);  // as many as Linux loads
  const auto started = std::chrono::steady_clock::now();
  CHECK(format_of(*m, hostile) == "elf:aarch64");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(500));
}
