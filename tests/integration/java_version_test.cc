// A class or jar built for a newer Java than the installed one is one line
// naming the versions (exit 127), not the JVM's UnsupportedClassVersionError
// stack and exit 1. The class-file version is set by hand (byte 7 of the
// header), so no newer JDK is needed; /usr/lib/jvm holds only the default
// JDK (private_jvms.h), so the JVMs found there are the same everywhere.
#include <catch2/catch.hpp>

#include "integration/paths.h"
#include "support/private_jvms.h"
#include "support/sandbox.h"

using namespace scarlet::test;

TEST_CASE("java: a class and a jar for a newer Java than the installed one are one line, exit 127", "[java]") {
  RunResult r = in_sandbox(kCli, kRegistry, "exec 2>&1\n" + kOnlyDefaultJvm + R"SH(
mkdir -p $T/c && cp -r $EXAMPLES/java/classes/com $T/c/ && cd $T/c
chmod u+w com/example/Hello.class
# Major version 100 (Java 56): newer than any JVM here.
printf '\144' | dd of=com/example/Hello.class bs=1 seek=7 count=1 conv=notrunc 2>/dev/null
jar --create --file ../new.jar --main-class com.example.Hello com && chmod +x ../new.jar
java_version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$(dirname "$(readlink -f /usr/bin/java)")/../release")
norm() { out=$("$@" 2>&1); rc=$?; echo "$out" | sed "s/version $java_version;/version N;/"; echo "rc=$rc"; }
echo '=== class'; norm ./com/example/Hello.class x
cd $T; echo '=== jar'; norm ./new.jar x
)SH", "", {"EXAMPLES=" + kExamples});
  auto s = sections(r.out);
  const std::string install = "; install a Java runtime new enough for it (default-jre-headless, or openjdk-<version>-jre-headless)";
  CHECK(s["class"] == "scarlet: ./com/example/Hello.class: java-class program, but no installed runtime is new enough "
                      "(java is version N; the program needs 56 or later)" + install + "\nrc=127\n");
  CHECK(s["jar"] == "scarlet: ./new.jar: jar program, but no installed runtime is new enough (java is version N; the "
                    "program needs 56 or later)" + install + "\nrc=127\n");
}
