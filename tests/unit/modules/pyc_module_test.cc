#include <catch2/catch.hpp>

#include "support/sniff.h"

using namespace scarlet;
using namespace scarlet::test;

namespace {

// A .pyc header: magic, "\r\n", then (3.7+) flags and 8 bytes of source
// timestamp and size or hash; a code object's first byte after it.
std::string pyc(std::uint16_t magic, std::uint32_t flags = 0, bool code = true) {
  std::string out;
  out += static_cast<char>(magic & 0xff);
  out += static_cast<char>(magic >> 8);
  out += "\r\n";
  for (int i = 0; i < 4; ++i) out += static_cast<char>((flags >> (8 * i)) & 0xff);
  out += std::string(8, '\0');
  if (code) out += '\xe3';
  return out;
}

}  // namespace

TEST_CASE("pyc: the magic number names the Python that wrote the file", "[pyc]") {
  auto m = make_pyc_module(x86_host());
  CHECK(format_of(*m, pyc(3495)) == "pyc:3.11");  // "\xa7\x0d\x0d\x0a", Debian 12's python3.11
  CHECK(format_of(*m, pyc(3531)) == "pyc:3.12");
  CHECK(format_of(*m, pyc(3571)) == "pyc:3.13");
  CHECK(format_of(*m, pyc(3439)) == "pyc:3.10");
  CHECK(format_of(*m, pyc(3413)) == "pyc:3.8");
}

TEST_CASE("pyc: a pre-release's magic names the version it led to", "[pyc]") {
  auto m = make_pyc_module(x86_host());
  CHECK(format_of(*m, pyc(3450)) == "pyc:3.11");
  CHECK(format_of(*m, pyc(3500)) == "pyc:3.12");
}

TEST_CASE("pyc: headers before PEP 552 (2.7 and 3.6) have no flags word", "[pyc]") {
  auto m = make_pyc_module(x86_host());
  std::string py27 = std::string("\x03\xf3\r\n", 4) + std::string(4, '\0') + "c";
  CHECK(format_of(*m, py27) == "pyc:2.7");
  std::string py36 = std::string("\x33\x0d\r\n", 4) + std::string(8, '\xff') + "\xe3";
  CHECK(format_of(*m, py36) == "pyc:3.6");
}

TEST_CASE("pyc: how the file is checked against its source is reported", "[pyc]") {
  auto m = make_pyc_module(x86_host());
  auto r = sniff(*m, pyc(3495));
  REQUIRE(r.ok());
  CHECK(*(*r)->fact("python") == "3.11");
  CHECK(*(*r)->fact("checked") == "by source timestamp");
  r = sniff(*m, pyc(3495, 3));
  CHECK(*(*r)->fact("checked") == "by source hash");
  r = sniff(*m, pyc(3495, 1));
  CHECK(*(*r)->fact("checked") == "never (unchecked hash)");
}

TEST_CASE("pyc: unknown magics and other files are not claimed", "[pyc]") {
  auto m = make_pyc_module(x86_host());
  CHECK(format_of(*m, pyc(3600)) == "");  // past the versions known here
  CHECK(format_of(*m, pyc(1234)) == "");
  CHECK(format_of(*m, "ab\r") == "");
  CHECK(format_of(*m, "#!/bin/sh\n") == "");
  CHECK(format_of(*m, "") == "");
}

TEST_CASE("pyc: corrupt flags and a header without code are refused", "[pyc]") {
  auto m = make_pyc_module(x86_host());
  CHECK(format_of(*m, pyc(3495, 4)) == "refused: corrupt Python bytecode header (flags 4)");
  CHECK(format_of(*m, pyc(3495, 0, false)) == "refused: Python bytecode with no code after its header");
  CHECK(format_of(*m, std::string("\xa7\x0d\r\n\0", 5)) == "refused: truncated Python 3.11 bytecode header");
}
