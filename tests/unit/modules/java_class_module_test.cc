#include <catch2/catch.hpp>

#include "support/builders.h"
#include "support/sniff.h"

using namespace scarlet;
using namespace scarlet::test;

TEST_CASE("java_class: the class name and classpath root come from the constant pool and path", "[java]") {
  auto m = make_java_class_module(x86_host());
  auto r = sniff(*m, build_class({}), "/srv/app/classes/com/example/Hello.class");
  REQUIRE(r.ok());
  REQUIRE(*r);
  CHECK((*r)->format == "java-class");
  CHECK(*(*r)->fact("class") == "com.example.Hello");
  CHECK(*(*r)->fact("classpath") == "/srv/app/classes");
  CHECK(*(*r)->fact("main") == "static main(String[])");
  CHECK(*(*r)->fact("version") == "61.0");
  CHECK((*r)->vars == std::vector<Fact>{{"class", "com.example.Hello"}, {"classpath", "/srv/app/classes"}, {"java", "17"}});

  r = sniff(*m, build_class({}), "com/example/Hello.class");
  CHECK(*(*r)->fact("classpath") == ".");
  r = sniff(*m, build_class({"Hello"}), "Hello.class");
  CHECK(*(*r)->fact("classpath") == ".");
  r = sniff(*m, build_class({"Hello"}), "/Hello.class");
  CHECK(*(*r)->fact("classpath") == "/");
}

TEST_CASE("java_class: a relative path inside the package tree climbs to its root", "[java]") {
  auto m = make_java_class_module(x86_host());
  auto root = [&](std::string_view path) {
    auto r = sniff(*m, build_class({}), path);
    return r.ok() && *r ? *(*r)->fact("classpath") : "refused";
  };
  CHECK(root("./com/example/Hello.class") == ".");
  CHECK(root("classes/./com/example/./Hello.class") == "classes");
  CHECK(root("./Hello.class") == "../..");          // run from com/example
  CHECK(root("Hello.class") == "../..");
  CHECK(root("example/Hello.class") == "..");       // run from com
  CHECK(root("../example/Hello.class") == "../.."); // run from com/other
  CHECK(root("../../com/example/Hello.class") == "../..");
  CHECK(root("/com/example/Hello.class") == "/");
  CHECK(root("/example/Hello.class") == "refused");  // no room above / for com
  CHECK(root("/Hello.class") == "refused");
  CHECK(root("other/Hello.class") == "refused");     // a directory that is not the package's
  CHECK(root("com/example/Other.class") == "refused");
}

TEST_CASE("java_class: a class stored where the JVM cannot find it is refused", "[java]") {
  auto m = make_java_class_module(x86_host());
  CHECK(format_of(*m, build_class({}), "./hello") ==
        "refused: Java class com.example.Hello must be stored as .../com/example/Hello.class to run, not as ./hello");
  CHECK(format_of(*m, build_class({}), "x/notcom/example/Hello.class").starts_with("refused: Java class"));
}

TEST_CASE("java_class: classes without a main method, and module descriptors, are refused", "[java]") {
  auto m = make_java_class_module(x86_host());
  ClassSpec s;
  s.main = false;
  CHECK(format_of(*m, build_class(s), "com/example/Hello.class") ==
        "refused: Java class com.example.Hello has no main method, so it cannot be run");
  s = ClassSpec{};
  s.static_main = false;
  auto r = sniff(*m, build_class(s), "com/example/Hello.class");
  CHECK(*(*r)->fact("main") == "instance main(String[])");
  s = ClassSpec{"module-info"};
  s.access = 0x8000;
  CHECK(format_of(*m, build_class(s), "module-info.class") ==
        "refused: module-info.class is a module descriptor, not a program");
}

TEST_CASE("java_class: truncated or corrupt constant pools are refused", "[java]") {
  auto m = make_java_class_module(x86_host());
  std::string good = build_class({});
  CHECK(format_of(*m, good.substr(0, 6)) == "refused: truncated Java class header");
  CHECK(format_of(*m, good.substr(0, 9)) == "refused: truncated Java class constant pool");
  CHECK(format_of(*m, good.substr(0, 40)) == "refused: truncated Java class constant pool");
  std::string bad_tag = good;
  bad_tag[10] = 99;
  CHECK(format_of(*m, bad_tag) == "refused: corrupt Java class constant pool (tag 99)");
  std::string bad_this = good;
  // From the end: attributes (2), main (15), methods_count (2), one field (17),
  // fields_count (2), interfaces (2), super_class (2), then this_class.
  auto this_at = good.size() - 44;
  bad_this[this_at] = 0x7f;
  CHECK(format_of(*m, bad_this, "com/example/Hello.class") == "refused: corrupt Java class (this_class)");
}

TEST_CASE("java_class: other CAFEBABE files are not claimed", "[java]") {
  auto m = make_java_class_module(x86_host());
  CHECK(format_of(*m, u32_bytes(0xcafebabe, true) + u32_bytes(2, true)) == "");  // a universal binary
  CHECK(format_of(*m, "\xca\xfe\xba") == "");
}

TEST_CASE("java_class: the class-file version names the Java it needs", "[java]") {
  auto m = make_java_class_module(x86_host());
  ClassSpec newer;
  newer.major = 69;  // Java 25
  auto r = sniff(*m, build_class(newer), "com/example/Hello.class");
  REQUIRE(r.ok());
  CHECK(*(*r)->fact("needs") == "Java 25 or later");
  CHECK((*r)->vars.back() == Fact{"java", "25"});
  ClassSpec old;
  old.major = 46;  // Java 1.2
  r = sniff(*m, build_class(old), "com/example/Hello.class");
  CHECK((*r)->vars.back() == Fact{"java", "1"});
}

TEST_CASE("java_class: a class whose name java would take for an option is refused (issue 11, finding 7)", "[java]") {
  auto m = make_java_class_module(x86_host());
  // "java -cp . -version": java has no "--" that would end its options first.
  CHECK(format_of(*m, build_class({"-version"}), "-version.class") ==
        "refused: Java class -version has a name java would take for an option");
  CHECK(format_of(*m, build_class({"a/-version"}), "a/-version.class") == "java-class");  // "a.-version" is a class
}
