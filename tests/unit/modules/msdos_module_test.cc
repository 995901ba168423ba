#include <catch2/catch.hpp>

#include "support/builders.h"
#include "support/sniff.h"

using namespace scarlet;
using namespace scarlet::test;

TEST_CASE("msdos: an MZ executable without a PE header", "[msdos]") {
  auto m = make_msdos_module(x86_host());
  auto r = sniff(*m, build_mz({}), "GAME.EXE");
  REQUIRE(r.ok());
  REQUIRE(*r);
  CHECK((*r)->format == "msdos");
  CHECK(*(*r)->fact("kind") == "MZ executable");
  CHECK(*(*r)->fact("image_size") == "96");
  // Overlays after the image are normal.
  CHECK(format_of(*m, build_mz({1, 0x60, 4, 0, 0x400}), "x") == "msdos");
}

TEST_CASE("msdos: NE and LE headers are reported", "[msdos]") {
  auto m = make_msdos_module(x86_host());
  auto r = sniff(*m, build_mz({1, 0x60, 4, 0x40, 0x60, "LE"}));
  REQUIRE(r.ok());
  CHECK((*r)->fact("new_header")->starts_with("LE"));
}

TEST_CASE("msdos: PE files are not MS-DOS programs", "[msdos]") {
  auto m = make_msdos_module(x86_host());
  CHECK(format_of(*m, build_pe({})) == "");
}

TEST_CASE("msdos: truncated or inconsistent MZ headers are refused", "[msdos]") {
  auto m = make_msdos_module(x86_host());
  CHECK(format_of(*m, "MZ\x10") == "refused: truncated MS-DOS header");
  CHECK(format_of(*m, build_mz({3, 0x10, 4, 0, 0x60})) ==
        "refused: truncated MS-DOS program: its header says 1040 bytes, the file has 96");
  CHECK(format_of(*m, build_mz({0, 0x10, 4, 0, 0x60})) == "refused: corrupt MS-DOS header (zero pages)");
  CHECK(format_of(*m, build_mz({1, 0x20, 4, 0, 0x60})) == "refused: corrupt MS-DOS header (header larger than image)");
}

TEST_CASE("msdos: .COM programs are known by their extension only", "[msdos]") {
  auto m = make_msdos_module(x86_host());
  const std::string code = "\xb4\x4c\xcd\x21";  // mov ah,4Ch; int 21h
  CHECK(format_of(*m, code, "HELLO.COM") == "msdos");
  CHECK(format_of(*m, code, "dir/hello.com") == "msdos");
  CHECK(format_of(*m, code, "hello.Com") == "msdos");
  CHECK(format_of(*m, code, "hello") == "");
  CHECK(format_of(*m, code, "com") == "");
  CHECK(format_of(*m, "#!/bin/sh\necho hi\n", "deploy.com") == "");
  CHECK(format_of(*m, "", "EMPTY.COM") == "refused: empty .COM file");
  CHECK(format_of(*m, std::string(0xff01, '\x90'), "BIG.COM") == "refused: too large for a .COM program (65281 bytes)");
}
