#include "scarlet/arg_template.h"

#include <catch2/catch.hpp>

using namespace scarlet;

TEST_CASE("arg_template: placeholders are checked when the registry loads", "[template]") {
  CHECK(check_arg_template("{binary}").ok());
  CHECK(check_arg_template("-Dapp={argv0}.{class}").ok());
  CHECK(check_arg_template("{{literal}}").ok());
  CHECK(check_arg_template("{args}").ok());
  CHECK(check_arg_template("x{args}").message() == "{args} must be a whole argument");
  CHECK(check_arg_template("{bin}").message() == "unknown placeholder {bin}");
  CHECK(check_arg_template("{binary").message() == "unclosed \"{\" in \"{binary\"");
  CHECK(check_arg_template("a}b").message() == "unmatched \"}\" in \"a}b\" (write \"}}\")");
}

TEST_CASE("arg_template: expansion", "[template]") {
  auto lookup = [](std::string_view n) -> std::optional<std::string> {
    if (n == "binary") return "./p";
    if (n == "argv0") return "p";
    return std::nullopt;
  };
  auto r = expand_arg_template({"-0", "{argv0}", "--x={binary}", "{{}}", "{args}", "end"}, lookup, {"a b", ""});
  REQUIRE(r.ok());
  CHECK(*r == std::vector<std::string>{"-0", "p", "--x=./p", "{}", "a b", "", "end"});
  auto missing = expand_arg_template({"{class}"}, lookup, {});
  CHECK(missing.status().message() == "this file offers no value for {class}");
}
