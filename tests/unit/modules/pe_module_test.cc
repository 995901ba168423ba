#include <catch2/catch.hpp>

#include "support/builders.h"
#include "support/sniff.h"

using namespace scarlet;
using namespace scarlet::test;

TEST_CASE("pe: PE32 and PE32+ programs by machine", "[pe]") {
  auto m = make_pe_module(x86_host());
  CHECK(format_of(*m, build_pe({0x8664, true})) == "pe:x86_64");
  CHECK(format_of(*m, build_pe({0x014c, false})) == "pe:i386");
  CHECK(format_of(*m, build_pe({0xaa64, true})) == "pe:aarch64");
  CHECK(format_of(*m, build_pe({0x01c4, false})) == "pe:arm");
  CHECK(format_of(*m, build_pe({0x0200, true})) == "refused: PE program for machine 0x0200, which no runtime here knows");
  auto r = sniff(*m, build_pe({0x014c, false, 2}));
  REQUIRE(r.ok());
  CHECK(*(*r)->fact("pe") == "PE32");
  CHECK(*(*r)->fact("subsystem") == "windows-gui");
}

TEST_CASE("pe: a CLR header makes it a .NET assembly whatever the machine", "[pe]") {
  auto m = make_pe_module(x86_host());
  PeSpec s{0x014c, false};
  s.clr = true;
  s.clr_flags = 1 | 2;
  auto r = sniff(*m, build_pe(s));
  REQUIRE(r.ok());
  REQUIRE(*r);
  CHECK((*r)->format == "clr");
  CHECK(*(*r)->fact("clr_flags") == "IL-only, 32-bit required");
  CHECK(*(*r)->fact("clr_version") == "v4.0.30319");
  CHECK(*(*r)->fact("clr_header") == "2.5");
}

TEST_CASE("pe: an assembly built for .NET Core or .NET 5+ is clr-core, for dotnet", "[pe]") {
  auto m = make_pe_module(x86_host());
  PeSpec s;
  s.clr = true;
  s.target_framework = ".NETCoreApp,Version=v8.0";
  s.characteristics = 0x2022;  // "dotnet app.dll": a DLL with an entry point
  auto r = sniff(*m, build_pe(s));
  REQUIRE(r.ok());
  REQUIRE(*r);
  CHECK((*r)->format == "clr-core");
  CHECK(*(*r)->fact("target_framework") == ".NETCoreApp,Version=v8.0");
  s.characteristics = 0x0022;
  CHECK(format_of(*m, build_pe(s)) == "clr-core");
}

TEST_CASE("pe: a .NET Framework assembly, or one that names no framework, stays clr for Mono", "[pe]") {
  auto m = make_pe_module(x86_host());
  PeSpec s;
  s.clr = true;
  s.target_framework = ".NETFramework,Version=v4.8";
  auto r = sniff(*m, build_pe(s));
  REQUIRE(r.ok());
  CHECK((*r)->format == "clr");
  CHECK(*(*r)->fact("target_framework") == ".NETFramework,Version=v4.8");
  s.target_framework.clear();
  CHECK(format_of(*m, build_pe(s)) == "clr");
}

TEST_CASE("pe: .NET libraries are not programs", "[pe]") {
  auto m = make_pe_module(x86_host());
  PeSpec s;
  s.clr = true;
  s.characteristics = 0x2022;
  CHECK(format_of(*m, build_pe(s)) == "refused: PE file is a DLL, not a program");
  s.target_framework = ".NETCoreApp,Version=v8.0";
  s.entry_point = 0;
  CHECK(format_of(*m, build_pe(s)) == "refused: .NET assembly is a library (no entry point), not a program");
}

TEST_CASE("pe: DLLs, EFI images and drivers are not programs", "[pe]") {
  auto m = make_pe_module(x86_host());
  CHECK(format_of(*m, build_pe({0x8664, true, 3, 0x2022})) == "refused: PE file is a DLL, not a program");
  CHECK(format_of(*m, build_pe({0x8664, true, 10})) == "refused: PE file is an EFI image, not a Windows program");
  CHECK(format_of(*m, build_pe({0x8664, true, 1})).starts_with("refused: PE file is a Windows native-subsystem image"));
  CHECK(format_of(*m, build_pe({0x8664, true, 3, 0x0020})) == "refused: PE file is not marked as an executable image");
}

TEST_CASE("pe: truncated and corrupted PE headers are refused", "[pe]") {
  auto m = make_pe_module(x86_host());
  std::string good = build_pe({});
  CHECK(format_of(*m, good.substr(0, 0x80 + 10)) == "refused: truncated PE header");
  std::string bad_magic = good;
  bad_magic[0x80 + 24] = 0x42;
  CHECK(format_of(*m, bad_magic) == "refused: corrupt PE optional header (magic 0x0242)");
  CHECK(format_of(*m, good.substr(0, 0x80 + 24 + 80)) == "refused: truncated PE optional header");
  PeSpec clr;
  clr.clr = true;
  std::string bad_clr = build_pe(clr);
  bad_clr.replace(0x80 + 24 + 112 + 14 * 8, 4, u32_bytes(0x9000, false));  // CLR RVA in no section
  CHECK(format_of(*m, bad_clr) == "refused: corrupt CLR header: its address is in no section");
}

TEST_CASE("pe: MZ files without a PE signature are left to MS-DOS", "[pe]") {
  auto m = make_pe_module(x86_host());
  CHECK(format_of(*m, build_mz({})) == "");
  CHECK(format_of(*m, build_mz({1, 0x60, 4, 0x40, 0x60, "NE"})) == "");
  CHECK(format_of(*m, "MZ") == "");
  CHECK(format_of(*m, "\x7f" "ELF") == "");
}
