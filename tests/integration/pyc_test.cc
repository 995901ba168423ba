// Python bytecode through the shim in a sandbox: a .pyc runs under the
// Python whose magic number it carries, a version that is not installed is
// one line naming it, and Debian's own binfmt_misc entry for python3.11
// (/usr/lib/binfmt.d/python3.11.conf) coexists with ours as "precedence" says.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "integration/paths.h"
#include "support/registry_copy.h"
#include "support/sandbox.h"

using namespace scarlet::test;

namespace {

const std::string kUtf8 = "\xc3\xa9t\xc3\xa9";  // "été"

// Writes $T/hello.pyc, compiled by Debian's python3.11 from a program that
// prints its argv and stdin and exits 10 + the number of arguments.
const std::string kCompile = R"SH(
cat > $T/hello.py <<'PY'
import sys
print("hello from pyc")
print("argv0=" + sys.argv[0])
for i, a in enumerate(sys.argv[1:], 1):
    print(f"arg{i}=[{a}]")
if sys.argv[1:2] == ["-"]:
    sys.stdout.write(sys.stdin.read())
sys.exit(10 + len(sys.argv) - 1)
PY
/usr/bin/python3.11 -c "import py_compile; py_compile.compile('$T/hello.py', cfile='$T/hello.pyc', doraise=True)"
chmod +x $T/hello.pyc; rm $T/hello.py; cd $T
)SH";

// Debian's line, registered as systemd-binfmt would from python3.11.conf.
const std::string kDebianEntry = R"SH(
echo ':python3.11:M::\xa7\x0d\x0d\x0a::/usr/bin/python3.11:' > /proc/sys/fs/binfmt_misc/register
sleep 2.2
)SH";

// Runs ./hello.pyc x beside Debian's entry: what it printed, and the
// daemon's status.
std::pair<std::string, nlohmann::json> beside_debian_entry(const std::string& registry) {
  RunResult r = in_sandbox(kCli, registry, kCompile + kDebianEntry +
                                               "echo '=== run'; ./hello.pyc x; echo \"rc=$?\"\n"
                                               "echo '=== status'; $CLI status --json 2>&1\n");
  auto s = sections(r.out);
  return {s["run"], nlohmann::json::parse(s["status"])};
}

}  // namespace

TEST_CASE("pyc: Python 3.11 bytecode runs under python3.11 with its arguments, stdin and status", "[pyc]") {
  RunResult r = in_sandbox(kCli, kRegistry,
                           kCompile + "echo '=== run'; printf 'line one\\nline two\\n' | ./hello.pyc - 'a b' " + kUtf8 +
                               "; echo \"rc=$?\"\n"
                               "echo '=== explain'; $CLI explain --json ./hello.pyc\n");
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["run"] == "hello from pyc\nargv0=./hello.pyc\narg1=[-]\narg2=[a b]\narg3=[" + kUtf8 +
                        "]\nline one\nline two\nrc=13\n");
  auto explain = nlohmann::json::parse(s["explain"]);
  CHECK(explain["format"] == "pyc:3.11");
}

TEST_CASE("pyc: bytecode of a Python that is not installed is one line naming it, exit 127", "[pyc]") {
  // 3.12's magic (3531) on the same code: the decision needs only the header.
  RunResult r = in_sandbox(kCli, kRegistry,
                           kCompile + "printf '\\313\\015' | dd of=hello.pyc bs=1 seek=0 count=2 conv=notrunc 2>/dev/null\n"
                                      "./hello.pyc 2>&1; echo \"rc=$?\"\n");
  CHECK(r.out == "scarlet: ./hello.pyc: pyc:3.12 program, but no runtime is installed (tried python3.12); install "
                 "python3.12 (Debian 12 ships python3.11 only)\nrc=127\n");
}

TEST_CASE("pyc: Debian's python3.11 entry is overtaken under precedence ours and reported", "[pyc][coexistence]") {
  auto [run, status] = beside_debian_entry(kRegistry);
  CHECK(run == "hello from pyc\nargv0=./hello.pyc\narg1=[x]\nrc=11\n");
  REQUIRE(status["other_entries"].size() == 1);
  CHECK(status["other_entries"][0]["name"] == "python3.11");
  CHECK(status["other_entries"][0]["kernel_uses"] == "scarlet-pyc.3.11");
}

TEST_CASE("pyc: under precedence theirs Debian's python3.11 entry keeps .pyc files", "[pyc][coexistence]") {
  RegistryCopy reg(kRegistry, R"({"version": 1, "precedence": "theirs"})");
  auto [run, status] = beside_debian_entry(reg.path);
  // Debian's entry has no P flag: python3.11 sees the path as argv[0] too.
  CHECK(run == "hello from pyc\nargv0=./hello.pyc\narg1=[x]\nrc=11\n");
  REQUIRE(status["other_entries"].size() == 1);
  CHECK(status["other_entries"][0]["kernel_uses"] == "python3.11");
}
