#include <catch2/catch.hpp>

#include "support/sniff.h"

using namespace scarlet;
using namespace scarlet::test;

TEST_CASE("rule: magic under a mask at an offset, and extensions", "[rule]") {
  std::vector<Rule> rules = {
      {"bench", {"SCARLETB", "", 0, ""}},
      {"masked", {"\x10\x20", "\xf0\xff", 4, ""}},
      {"lua", {"", "", 0, "lua"}},
      {"both", {"#!", "", 0, "tcl"}},
  };
  auto m = make_rule_module(x86_host(rules));
  CHECK(format_of(*m, "SCARLETB and more") == "rule:bench");
  CHECK(format_of(*m, "SCARLETX") == "");
  CHECK(format_of(*m, "abcd\x1f\x20") == "rule:masked");
  CHECK(format_of(*m, "abcd\x2f\x20") == "");
  CHECK(format_of(*m, "abc") == "");
  CHECK(format_of(*m, "print(1)", "script.lua") == "rule:lua");
  CHECK(format_of(*m, "print(1)", "script.lua.bak") == "");
  CHECK(format_of(*m, "#!/usr/bin/tclsh", "x.tcl") == "rule:both");
  CHECK(format_of(*m, "#!/usr/bin/tclsh", "x.sh") == "");
  auto r = sniff(*m, "SCARLETB");
  CHECK(*(*r)->fact("rule") == "bench");
  CHECK(m->formats() == std::vector<std::string>{"rule:bench", "rule:masked", "rule:lua", "rule:both"});
}
