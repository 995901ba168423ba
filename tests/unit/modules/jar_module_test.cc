#include <chrono>

#include <catch2/catch.hpp>

#include "support/builders.h"
#include "support/sniff.h"

using namespace scarlet;
using namespace scarlet::test;

TEST_CASE("jar: a zip whose manifest names a Main-Class", "[jar]") {
  auto m = make_jar_module(x86_host());
  std::string jar = build_zip({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMain-Class: com.example.Hello\r\n"
                                                        "Class-Path: lib/a.jar\r\n lib/b.jar\r\n\r\nName: x\r\nMain-Class: wrong\r\n"},
                               {"com/example/Hello.class", build_class({})}});
  auto r = sniff(*m, jar);
  REQUIRE(r.ok());
  REQUIRE(*r);
  CHECK((*r)->format == "jar");
  CHECK(*(*r)->fact("main_class") == "com.example.Hello");
  CHECK(*(*r)->fact("class_path") == "lib/a.jarlib/b.jar");  // continuation lines join with no space
  CHECK(*(*r)->fact("entries") == "2");
}

TEST_CASE("jar: manifest keys are case-insensitive and continuation lines join", "[jar]") {
  auto m = make_jar_module(x86_host());
  std::string jar = build_zip({{"META-INF/MANIFEST.MF", "main-class: org.exa\n mple.Main\n"}});
  auto r = sniff(*m, jar);
  REQUIRE(r.ok());
  CHECK(*(*r)->fact("main_class") == "org.example.Main");
}

TEST_CASE("jar: a jar without Main-Class is refused, a plain zip is not claimed", "[jar]") {
  auto m = make_jar_module(x86_host());
  CHECK(format_of(*m, build_zip({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"}})) ==
        "refused: jar has no Main-Class in its manifest, so java -jar cannot run it");
  CHECK(format_of(*m, build_zip({{"readme.txt", "hi"}})) == "");
}

TEST_CASE("jar: truncated or corrupt archives are refused", "[jar]") {
  auto m = make_jar_module(x86_host());
  std::string jar = build_zip({{"META-INF/MANIFEST.MF", "Main-Class: A\n"}});
  CHECK(format_of(*m, jar.substr(0, jar.size() - 10)).starts_with("refused: corrupt zip archive"));
  CHECK(format_of(*m, "PK\x03\x04garbage").starts_with("refused: corrupt zip archive"));
  CHECK(format_of(*m, "PK\x05\x06") == "");
}

TEST_CASE("jar: its main class's version names the Java it needs", "[jar]") {
  auto m = make_jar_module(x86_host());
  ClassSpec newer;
  newer.major = 69;  // Java 25
  auto r = sniff(*m, build_zip({{"META-INF/MANIFEST.MF", "Main-Class: com.example.Hello\n"},
                                {"com/example/Hello.class", build_class(newer)}}));
  REQUIRE(r.ok());
  CHECK(*(*r)->fact("needs") == "Java 25 or later (main class version 69)");
  CHECK((*r)->vars.back() == Fact{"java", "25"});
  // A main class from elsewhere (Class-Path) says nothing.
  r = sniff(*m, build_zip({{"META-INF/MANIFEST.MF", "Main-Class: com.example.Hello\n"}}));
  REQUIRE(r.ok());
  CHECK((*r)->fact("needs") == nullptr);
}

TEST_CASE("jar: a central directory of 1.3 million entries is refused before libzip reads it (issue 11, finding 5)", "[jar]") {
  auto m = make_jar_module(x86_host());
  const std::string hostile = build_wide_jar(1'300'000);
  const auto started = std::chrono::steady_clock::now();
  CHECK(format_of(*m, hostile) ==
        "refused: zip archive lists 1300001 entries in 67788956 bytes, more than the 65535 entries or 8 MiB a jar may have here");
  // 5.6 s before; the bound leaves room for copying 61 MB under ASan.
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
  // At the cap, a jar is still read, and costs a bounded decision.
  CHECK(format_of(*m, build_wide_jar(65534)) == "jar");
}
