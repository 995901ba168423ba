#include <catch2/catch.hpp>

#include "support/builders.h"
#include "support/sniff.h"

using namespace scarlet;
using namespace scarlet::test;

namespace {

// A universal binary: fat header, then one fat_arch per CPU type (big-endian).
std::string fat(std::vector<std::uint32_t> cpus) {
  std::string out = u32_bytes(0xcafebabe, true) + u32_bytes(static_cast<std::uint32_t>(cpus.size()), true);
  for (auto cpu : cpus) out += u32_bytes(cpu, true) + u32_bytes(3, true) + u32_bytes(0x4000, true) + u32_bytes(0x1000, true) + u32_bytes(14, true);
  return out;
}

}  // namespace

TEST_CASE("macho: universal binaries are Mach-O, not Java", "[macho]") {
  auto m = make_macho_module(x86_host());
  auto r = sniff(*m, fat({0x01000007, 0x0100000c}));
  REQUIRE(r.ok());
  REQUIRE(*r);
  CHECK((*r)->format == "macho");
  CHECK(*(*r)->fact("architectures") == "x86_64, arm64");
  // The same magic with a Java class version after it is not Mach-O.
  CHECK(format_of(*m, build_class({})) == "");
}

TEST_CASE("macho: thin Mach-O files of either byte order", "[macho]") {
  auto m = make_macho_module(x86_host());
  auto le64 = u32_bytes(0xfeedfacf, false) + u32_bytes(0x0100000c, false) + std::string(24, '\0');
  auto r = sniff(*m, le64);
  REQUIRE(r.ok());
  CHECK(*(*r)->fact("architectures") == "arm64");
  CHECK(*(*r)->fact("kind") == "64-bit");
  auto be32 = u32_bytes(0xfeedface, true) + u32_bytes(18, true);
  CHECK(format_of(*m, be32) == "macho");
}

TEST_CASE("macho: truncated universal headers are refused", "[macho]") {
  auto m = make_macho_module(x86_host());
  std::string cut = fat({7, 12}).substr(0, 30);
  CHECK(format_of(*m, cut) == "refused: truncated Mach-O universal header");
  CHECK(format_of(*m, u32_bytes(0xcafebabf, true)) == "refused: truncated Mach-O universal header");
}
