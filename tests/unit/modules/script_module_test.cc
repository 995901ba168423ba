#include <catch2/catch.hpp>

#include "support/sniff.h"

using namespace scarlet;
using namespace scarlet::test;

namespace {

// "interpreter|argument" as the module reads a script's first line, or "refused: …".
std::string line_of(const std::string& bytes) {
  auto m = make_script_module(x86_host());
  Sniff s = sniff(*m, bytes);
  if (!s.ok()) return "refused: " + s.status().message();
  if (!*s) return "";
  const std::string* arg = (*s)->fact("interpreter_arg");
  return *(*s)->fact("interpreter") + (arg ? "|" + *arg : "");
}

}  // namespace

TEST_CASE("script: native, with the interpreter and its one argument as the kernel parses them", "[script]") {
  auto m = make_script_module(x86_host());
  auto r = sniff(*m, "#!/bin/sh\necho hi\n");
  REQUIRE(r.ok());
  REQUIRE(*r);
  CHECK((*r)->native());
  CHECK((*r)->module.empty());  // the dispatcher names the module
  CHECK(*(*r)->fact("kind") == "script");

  CHECK(line_of("#!/bin/sh\n") == "/bin/sh");
  CHECK(line_of("#! /usr/bin/env  python3 -u \nx") == "/usr/bin/env|python3 -u");  // one argument, trimmed
  CHECK(line_of("#!\t/bin/bash\t-e\t\n") == "/bin/bash|-e");
  CHECK(line_of("#!/bin/sh") == "/bin/sh");                    // the file ends at the interpreter
  CHECK(line_of(std::string("#!/bin/sh\0junk\n", 15)) == "/bin/sh");  // a NUL ends the line
  CHECK(line_of("#!/bin/sh " + std::string(300, 'a')) == "/bin/sh|" + std::string(246, 'a'));  // cut at 256 bytes
}

TEST_CASE("script: lines the kernel would refuse are refused", "[script]") {
  CHECK(line_of("#!\n") == "refused: script names no interpreter on its #! line");
  CHECK(line_of("#!   \t\n") == "refused: script names no interpreter on its #! line");
  CHECK(line_of("#!/" + std::string(300, 'x')) == "refused: script's #! line is longer than the kernel reads (256 bytes)");
}

TEST_CASE("script: other files are not claimed", "[script]") {
  CHECK(line_of("#/bin/sh\n").empty());
  CHECK(line_of("\x7f" "ELF").empty());
  CHECK(line_of("").empty());
}
