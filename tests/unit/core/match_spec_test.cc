#include "scarlet/match_spec.h"

#include <catch2/catch.hpp>

using namespace scarlet;

TEST_CASE("match_spec: hex escapes (backslash, x, two digits) decode to bytes", "[match_spec]") {
  CHECK(*decode_hex_escapes("\\x7fELF") == "\x7f" "ELF");
  CHECK(*decode_hex_escapes("a\\\\b") == "a\\b");
  CHECK(*decode_hex_escapes("\\x00\\xFF") == std::string("\0\xff", 2));
  CHECK(decode_hex_escapes("\\x4").status().message() == "bad escape at character 1: \\x needs two hex digits");
  CHECK(decode_hex_escapes("ab\\xzz").status().message() == "bad escape at character 3: \\x needs two hex digits");
  CHECK_FALSE(decode_hex_escapes("\\n").ok());
  CHECK_FALSE(decode_hex_escapes("\\").ok());
  CHECK(encode_hex_escapes(std::string("\0A\xff", 3)) == "\\x00\\x41\\xff");
  CHECK(*decode_hex_escapes(encode_hex_escapes("any bytes \x01\x80")) == "any bytes \x01\x80");
}

TEST_CASE("match_spec: magic under mask at offset, and exact extensions", "[match_spec]") {
  MatchSpec m{"AB", "\xff\xdf", 2, ""};
  CHECK(m.matches(as_bytes("xxAB"), "p"));
  CHECK(m.matches(as_bytes("xxAb"), "p"));  // the mask clears the case bit
  CHECK_FALSE(m.matches(as_bytes("xxA"), "p"));
  MatchSpec e{"", "", 0, "com"};
  CHECK(e.matches({}, "dir.x/HELLO.com"));
  CHECK_FALSE(e.matches({}, "HELLO.COM"));  // binfmt_misc compares extensions exactly
  CHECK_FALSE(e.matches({}, "dir.com/hello"));
  CHECK_FALSE(MatchSpec{}.matches(as_bytes("x"), "x"));
}

TEST_CASE("match_spec: overlapping matches", "[match_spec]") {
  MatchSpec mz{"MZ", "", 0, ""};
  CHECK(overlaps(mz, {"MZ\x90", "", 0, ""}));
  CHECK_FALSE(overlaps(mz, {"PK", "", 0, ""}));
  CHECK(overlaps({"\x7f" "ELF\x02", "\xff\xff\xff\xff\x00", 0, ""}, {"\x7f" "ELF\x01", "", 0, ""}));  // masked byte
  CHECK(overlaps({"ELF", "", 1, ""}, {"\x7f" "E", "", 0, ""}));   // offsets line up
  CHECK_FALSE(overlaps({"ELF", "", 1, ""}, {"\x7f" "X", "", 0, ""}));
  CHECK(overlaps({"", "", 0, "com"}, {"", "", 0, "com"}));
  CHECK_FALSE(overlaps({"", "", 0, "com"}, mz));
}
