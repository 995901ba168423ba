// Runtime selection (issue 13): candidates judged by what the program needs
// (a class file's Java version against JVMs discovered under /usr/lib/jvm,
// a PE's PE32/PE32+ by "when"), the admin's per-path pins, and falling back
// when the chosen runtime does not start.
//
// Hermetic: each script mounts a tmpfs over /usr/lib/jvm in the sandbox and
// puts there only what it needs, built from Debian's OpenJDK 17 (the one JVM
// a fresh Debian 12 machine has): the real JDK bind-mounted under two names,
// one of them with a release file that says Java 11. So no test depends on
// another JVM this machine may have (a Temurin 25 that no package owns).
#include <catch2/catch.hpp>

#include "integration/paths.h"
#include "support/registry_copy.h"
#include "support/sandbox.h"

using namespace scarlet::test;

namespace {

// /usr/lib/jvm holds java-17-openjdk-amd64 (what /usr/bin/java leads to),
// whose release says 11, and zz-jdk-17, the same JDK with its own release.
// Classes: hello-8.class (major 52), hello-17 (61), hello-25 (69), by hand.
const std::string kJvms = R"SH(
exec 2>&1
real=$(readlink -f /usr/bin/java); real=${real%/bin/java}
mkdir -p $T/orig && mount --bind /usr/lib/jvm $T/orig
mount -t tmpfs -o mode=755 jvms /usr/lib/jvm
mkdir /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/zz-jdk-17
mount --bind $T/orig/${real##*/} /usr/lib/jvm/java-17-openjdk-amd64
mount --bind $T/orig/${real##*/} /usr/lib/jvm/zz-jdk-17
sed 's/^JAVA_VERSION=.*/JAVA_VERSION="11.0.2"/' $T/orig/${real##*/}/release > $T/release-11
mount --bind $T/release-11 /usr/lib/jvm/java-17-openjdk-amd64/release
for v in 8:064 17:075 25:105; do
  n=${v%%:*}; mkdir -p $T/c$n && cp -r $EXAMPLES/java/classes/com $T/c$n/ && chmod -R u+w $T/c$n
  printf "\\${v##*:}" | dd of=$T/c$n/com/example/Hello.class bs=1 seek=7 count=1 conv=notrunc 2>/dev/null
done
)SH";

}  // namespace

TEST_CASE("selection: a class picks a JVM under /usr/lib/jvm that is new enough, or is one line naming the Java it needs",
          "[selection][java]") {
  RunResult r = in_sandbox(kCli, kRegistry, kJvms + R"SH(
echo '=== 17'; cd $T/c17; ./com/example/Hello.class a; echo "rc=$?"
echo '=== 17 explain'; $CLI explain ./com/example/Hello.class | grep -E '^runtime|  chosen|skipped'
echo '=== 8'; cd $T/c8; ./com/example/Hello.class a; echo "rc=$?"
echo '=== 25'; cd $T/c25; ./com/example/Hello.class a; echo "rc=$?"
)SH", "", {"EXAMPLES=" + kExamples});
  auto s = sections(r.out);
  INFO(r.out);
  CHECK(s["17"] == "hello from java-class\narg1=[a]\nrc=11\n");
  CHECK(s["17 explain"] == "runtime for java-class: /usr/lib/jvm/zz-jdk-17/bin/java (native)\n"
                           "  skipped /usr/bin/java: java is version 11; the program needs 17 or later\n"
                           "  chosen: first candidate that can run it\n");
  CHECK(s["8"] == "hello from java-class\narg1=[a]\nrc=11\n");
  CHECK(s["25"] == "scarlet: ./com/example/Hello.class: java-class program, but no installed runtime is new enough "
                   "(java is version 11; the program needs 25 or later, /usr/lib/jvm/zz-jdk-17/bin/java is version 17; "
                   "the program needs 25 or later); install a Java runtime new enough for it (default-jre-headless, or "
                   "openjdk-<version>-jre-headless)\nrc=127\n");
}
