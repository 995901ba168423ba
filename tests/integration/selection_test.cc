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
#include "support/private_jvms.h"
#include "support/registry_copy.h"
#include "support/sandbox.h"

using namespace scarlet::test;

namespace {

// /usr/lib/jvm holds the default JDK (java-17-openjdk-amd64, what
// /usr/bin/java leads to) with a release file that says 11, and zz-jdk-17,
// the same JDK with its own release.
// $T/c8, $T/c17, $T/c25: the example class with its major version set by
// hand to 52 (Java 8), 61 (17) and 69 (25).
const std::string kJvms = "exec 2>&1\n" + kOnlyDefaultJvm + R"SH(
mkdir /usr/lib/jvm/zz-jdk-17 && mount --bind $JDK /usr/lib/jvm/zz-jdk-17
sed 's/^JAVA_VERSION=.*/JAVA_VERSION="11.0.2"/' $JDK/release > $T/release-11
mount --bind $T/release-11 /usr/lib/jvm/$JDK_NAME/release
for v in 8:064 17:075 25:105; do
  n=${v%%:*}; mkdir -p $T/c$n && cp -r $EXAMPLES/java/classes/com $T/c$n/ && chmod -R u+w $T/c$n
  printf "\\${v##*:}" | dd of=$T/c$n/com/example/Hello.class bs=1 seek=7 count=1 conv=notrunc 2>/dev/null
done
)SH";

// Wine's name for a host path: the Z: drive is the host's root.
std::string windows_path(std::string path) {
  for (auto& c : path)
    if (c == '/') c = '\\';
  return path;
}

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

TEST_CASE("selection: a runtime that does not start gives way to the next candidate, said on stderr only with SCARLET_DEBUG",
          "[selection][fallback]") {
  TempDir dir;
  ::chmod(dir.path().c_str(), 0755);
  const std::string d = dir.path();
  // A corrupt runtime (not a program at all: execve says ENOEXEC), a broken
  // one (a real program whose loader is missing: ENOENT), and a good one.
  dir.write("bin/corrupt", "\x7f" "ELF garbage, not a program\n", 0755);
  dir.write("bin/second", "#!/bin/sh\necho \"second ran $*\"\nexit 3\n", 0755);
  RegistryCopy reg(kRegistry, R"({"version": 1,
    "rules": [{"name": "fb", "magic": "SCARLETF"}, {"name": "fbonly", "magic": "SCARLETO"}, {"name": "fbgone", "magic": "SCARLETG"}],
    "formats": {"rule:fb": {"runtimes": [{"path": ")" + d + R"(/bin/corrupt", "abi": "native"},
                                         {"path": ")" + d + R"(/bin/noloader"},
                                         {"path": ")" + d + R"(/bin/second"}]},
                "rule:fbonly": {"runtimes": [{"path": ")" + d + R"(/bin/corrupt", "abi": "native"}]},
                "rule:fbgone": {"runtimes": [{"path": ")" + d + R"(/bin/second"}, {"path": ")" + d + R"(/bin/corrupt", "abi": "native"}]}}})");
  RunResult r = in_sandbox(kCli, reg.path, R"SH(
exec 2>&1; cd $T
python3 -c 'import sys; b=open("/bin/true","rb").read(); open(sys.argv[1],"wb").write(b.replace(b"ld-linux-x86-64.so.2", b"ld-linux-x86-64.so.X", 1))' $D/bin/noloader
chmod 755 $D/bin/noloader
printf 'SCARLETF' > prog; printf 'SCARLETO' > only; printf 'SCARLETG' > fails; chmod +x prog only fails
echo '=== quiet'; ./prog x 2>$T/err; echo "rc=$?"; cat $T/err
echo '=== debug'; SCARLET_DEBUG=1 ./prog x; echo "rc=$?"
echo '=== none left'; ./only; echo "rc=$?"
echo '=== program fails'; SCARLET_DEBUG=1 ./fails y 2>&1; echo "rc=$?"
echo '=== explain'; $CLI explain ./prog | grep -E '^runtime|  chosen'
)SH", "", {"EXAMPLES=" + kExamples, "D=" + d});
  auto s = sections(r.out);
  INFO(r.out);
  CHECK(s["quiet"] == "second ran ./prog x\nrc=3\n");
  CHECK(s["debug"] == "scarlet: ./prog: " + d + "/bin/corrupt did not start (Exec format error); falling back to " + d + "/bin/noloader\n"
                      "scarlet: ./prog: " + d + "/bin/noloader did not start (No such file or directory); falling back to " + d + "/bin/second\n"
                      "second ran ./prog x\nrc=3\n");
  CHECK(s["none left"] == "scarlet: ./only: cannot run " + d + "/bin/corrupt: Exec format error\nrc=126\n");
  // The program's own failure (exit 3) is never a reason to try another runtime.
  CHECK(s["program fails"] == "second ran ./fails y\nrc=3\n");
  // explain decides without exec'ing anything: it names the first candidate.
  CHECK(s["explain"] == "runtime for rule:fb: " + d + "/bin/corrupt (native)\n  chosen: first candidate that can run it\n");
}

TEST_CASE("selection: PE32 and PE32+ pick the Wine that can run each by their when conditions, and PE32 without 32-bit Wine is one line",
          "[selection][wine]") {
  // One candidate list for both formats: the 32-bit loader for PE32, wine64 for PE32+.
  const std::string wines = R"([{"path": "/usr/lib/wine/wine", "when": {"pe": "PE32"}, "env": {"WINEDEBUG": "-all"}},
                               {"path": "/usr/lib/wine/wine64", "when": {"pe": "PE32+"}, "env": {"WINEDEBUG": "-all"}}])";
  RegistryCopy reg(kRegistry, R"({"version": 1, "formats": {"pe:i386": {"runtimes": )" + wines + R"(},
                                                            "pe:x86_64": {"runtimes": )" + wines + "}}}");
  // What a fresh Debian 12 has after scripts/deps: wine64, no 32-bit Wine.
  RunResult r = in_sandbox(kCli, reg.path, R"SH(
exec 2>&1; unset DISPLAY WAYLAND_DISPLAY; export HOME=$T WINEPREFIX=$T/wine WINEDLLOVERRIDES=mscoree,mshtml=
[ -e /usr/lib/wine/wine ] && echo '=== has wine32'
cd $EXAMPLES/pe
echo '=== 64 explain'; $CLI explain ./hello64.exe | grep -E '^runtime|  when|  chosen'
echo '=== 64 run'; ./hello64.exe a 2>/dev/null; echo "rc=$?"
echo '=== 32 explain'; $CLI explain --json ./hello32.exe 2>/dev/null | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["chain"][0]["conditions"]))'
echo '=== 32 run'; ./hello32.exe a; echo "rc=$?"
/usr/lib/wine/wineserver -k 2>/dev/null; /usr/lib/wine/wineserver -w
n=$(cat $WINEPREFIX/wineserver 2>/dev/null); case $n in wine-?*) rm -rf "/tmp/$n" ;; esac  # left by Debian's Wine
)SH", "", {"EXAMPLES=" + kExamples});
  auto s = sections(r.out);
  INFO(r.out);
  CHECK(s["64 explain"] == "runtime for pe:x86_64: /usr/lib/wine/wine64 (native)\n"
                           "  when /usr/lib/wine/wine: pe is PE32, but the program's is PE32+: fails\n"
                           "  when /usr/lib/wine/wine64: pe is PE32+: holds\n"
                           "  chosen: first candidate that can run it\n");
  CHECK(s["64 run"] == "hello from pe:x86_64\nargv0=Z:" + windows_path(kExamples + "/pe/hello64.exe") + "\narg1=[a]\nrc=11\n");
  CHECK(s["32 explain"] == R"([{"runtime": "/usr/lib/wine/wine", "conditions": [{"condition": "pe is PE32", "held": true}]}, )"
                           R"({"runtime": "/usr/lib/wine/wine64", "conditions": [{"condition": "pe is PE32+, but the program's is PE32", "held": false}]}])" "\n");
  if (s.count("has wine32")) {
    WARN("32-bit Wine is installed here: a PE32 program runs, so the one line without it is not checked");
    return;
  }
  CHECK(s["32 run"] == "scarlet: ./hello32.exe: pe:i386 program, but no runtime here can run it (wine: not installed, wine64: when: "
                       "pe is PE32+, but the program's is PE32); install wine32:i386 (dpkg --add-architecture i386; apt-get "
                       "update; apt-get install wine32:i386)\nrc=127\n");
}

TEST_CASE("selection: a pin puts one JVM first for the jars of one directory, and explain says which rule chose",
          "[selection][pins]") {
  TempDir games;
  ::chmod(games.path().c_str(), 0755);
  // The pin's runtime is a file the discovery glob finds (/usr/lib/jvm/*/bin/java).
  RegistryCopy reg(kRegistry, "{\"version\": 1,\n  \"pins\": [{\"path\": \"" + games.path() +
                                  "/old/*.jar\", \"format\": \"jar\", \"runtime\": \"/usr/lib/jvm/zz-jdk-17/bin/java\"}]}\n");
  RunResult r = in_sandbox(kCli, reg.path, kJvms + R"SH(
mkdir -p $G/old $G/new && jar --create --file $G/old/game.jar --main-class com.example.Hello -C $T/c8 com
cp $G/old/game.jar $G/new/game.jar && chmod +x $G/old/game.jar $G/new/game.jar && ln -s $G/old/game.jar $T/link.jar
show() { $CLI explain "$1" | grep -E '^runtime|  chosen'; "$1" a; echo "rc=$?"; }
echo '=== pinned'; cd $G/old; show ./game.jar
echo '=== by link'; show $T/link.jar
echo '=== not pinned'; show $G/new/game.jar
)SH", "", {"EXAMPLES=" + kExamples, "G=" + games.path()});
  auto s = sections(r.out);
  INFO(r.out);
  const std::string where = reg.dir.path() + "/registry.d/50-test.json:2:12";
  const std::string pinned = "runtime for jar: /usr/lib/jvm/zz-jdk-17/bin/java (native)\n  chosen: pinned by " + where + " (" +
                             games.path() + "/old/*.jar)\nhello from jar\narg1=[a]\nrc=11\n";
  CHECK(s["pinned"] == pinned);
  // Pins match the program's canonical path, so a link to a pinned jar is pinned too.
  CHECK(s["by link"] == pinned);
  CHECK(s["not pinned"] == "runtime for jar: /usr/bin/java (native)\n  chosen: first candidate that can run it\n"
                           "hello from jar\narg1=[a]\nrc=11\n");
}

TEST_CASE("selection: static and dynamic ELF programs pick by \"linkage\" and \"loader_in\" under real qemu", "[selection][elf]") {
  const std::string args = R"("args": ["-0", "{argv0}", "{binary_fd}", "{args}"])";
  RegistryCopy reg(kRegistry, R"({"version": 1, "formats": {
    "elf:aarch64": {"runtimes": [
      {"path": "/usr/bin/qemu-aarch64-static", "when": {"linkage": "static"}, )" + args + R"(},
      {"path": "/usr/bin/qemu-aarch64-static", "when": {"loader_in": ["/nonexistent-scarlet-sysroot", "/usr/aarch64-linux-gnu"]},
       "env": {"QEMU_LD_PREFIX": "/usr/aarch64-linux-gnu"}, )" + args + R"(}]},
    "elf:riscv64": {"runtimes": [
      {"path": "/usr/bin/qemu-riscv64-static", "when": {"loader_in": "/nonexistent-scarlet-sysroot"}, )" + args + "}]}}}");
  RunResult r = in_sandbox(kCli, reg.path, R"SH(
exec 2>&1; cd $EXAMPLES/elf
echo '=== static'; ./hello-aarch64-static a | head -n 1; $CLI explain ./hello-aarch64-static | grep -E '  when|^env'
echo '=== dynamic'; ./hello-aarch64-dynamic a | head -n 1; $CLI explain ./hello-aarch64-dynamic | grep -E '  when|^env'
echo '=== no sysroot'; ./hello-riscv64-dynamic a; echo "rc=$?"
)SH", "", {"EXAMPLES=" + kExamples});
  auto s = sections(r.out);
  INFO(r.out);
  CHECK(s["static"] == "hello from elf:aarch64\n"
                       "  when /usr/bin/qemu-aarch64-static: linkage is static: holds\n");
  CHECK(s["dynamic"] == "hello from elf:aarch64\n"
                        "  when /usr/bin/qemu-aarch64-static: linkage is static, but the program's is dynamic: fails\n"
                        "  when /usr/bin/qemu-aarch64-static: loader in /nonexistent-scarlet-sysroot or /usr/aarch64-linux-gnu "
                        "(/lib/ld-linux-aarch64.so.1 is in /usr/aarch64-linux-gnu): holds\n"
                        "env:  QEMU_LD_PREFIX=/usr/aarch64-linux-gnu\n");
  CHECK(s["no sysroot"] == "scarlet: ./hello-riscv64-dynamic: elf:riscv64 program, but no runtime here can run it "
                           "(qemu-riscv64-static: when: loader in /nonexistent-scarlet-sysroot, but the program's "
                           "/lib/ld-linux-riscv64-lp64d.so.1 is in none)\nrc=127\n");
}
