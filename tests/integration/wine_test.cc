// Windows programs under the real Wine (Debian's wine64, which scripts/deps
// installs), run as ./prog through the shim in a sandbox. Each test gives
// Wine a prefix in its own scratch directory (never a real home), no display
// and no dialog (Mono and Gecko installers are disabled), and ends the
// prefix's wineserver before it returns: nothing is left running.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "integration/paths.h"
#include "support/sandbox.h"

using namespace scarlet::test;

namespace {

const std::string kUtf8 = "\xc3\xa9t\xc3\xa9";  // "été"
const std::string kWineTools = "/usr/lib/x86_64-linux-gnu/wine/x86_64-windows";

// Runs `script` with a private Wine prefix and stops its wineserver after.
RunResult with_wine(const std::string& script, const std::vector<std::string>& extra_env = {}) {
  std::vector<std::string> env = {"EXAMPLES=" + kExamples, "WINEDLLOVERRIDES=mscoree,mshtml=", "WINEDEBUG=-all"};
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  return in_sandbox(kCli, kRegistry,
                    "unset DISPLAY WAYLAND_DISPLAY; export HOME=$T WINEPREFIX=$T/wine\n" + script +
                        "\n/usr/lib/wine/wineserver -k 2>/dev/null; /usr/lib/wine/wineserver -w\n"
                        // Debian's Wine leaves its /tmp/wine-XXXXXX directory behind.
                        "n=$(cat $WINEPREFIX/wineserver 2>/dev/null); case $n in wine-?*) rm -rf \"/tmp/$n\" ;; esac\n",
                    "", env);
}

}  // namespace

TEST_CASE("wine: the PE32+ example runs with its output, status, stdin and arguments", "[wine]") {
  RunResult r = with_wine("cd $EXAMPLES/pe\n"
                          "echo '=== run'; printf 'line one\\nline two\\n' | ./hello64.exe - 'a b' " + kUtf8 +
                          "; echo \"rc=$?\"\n"
                          "echo '=== exec -a'; bash -c 'exec -a custom-argv0 ./hello64.exe x'; echo \"rc=$?\"\n"
                          "echo '=== left'; ls $T/wine/drive_c >/dev/null && echo prefix in T; ls $T/.wine 2>&1 | head -c 0\n");
  INFO(r.err);
  auto s = sections(r.out);
  // Wine hands a program its Windows path as argv[0], whatever the caller
  // chose: the Z: drive is the host's root.
  std::string argv0 = "Z:" + kExamples + "/pe/hello64.exe";
  for (auto& c : argv0)
    if (c == '/') c = '\\';
  CHECK(s["run"] == "hello from pe:x86_64\nargv0=" + argv0 + "\narg1=[-]\narg2=[a b]\narg3=[" + kUtf8 +
                        "]\nline one\nline two\nrc=13\n");
  CHECK(s["exec -a"] == "hello from pe:x86_64\nargv0=" + argv0 + "\narg1=[x]\nrc=11\n");
  CHECK(s["left"] == "prefix in T\n");
}

TEST_CASE("wine: a Windows program from a Debian package runs: Wine's own find.exe", "[wine]") {
  RunResult r = with_wine("cp " + kWineTools + "/find.exe $T/find.exe && chmod +x $T/find.exe && cd $T\n"
                          "echo '=== match'; printf 'foo\\nbar\\nfood\\n' | ./find.exe foo; echo \"rc=$?\"\n"
                          "echo '=== no match'; printf 'bar\\n' | ./find.exe foo; echo \"rc=$?\"\n"
                          "echo '=== explain'; $CLI explain ./find.exe | head -n 1\n");
  INFO(r.err);
  auto s = sections(r.out);
  // A Windows console program ends its lines with CR LF.
  CHECK(s["match"] == "foo\r\nfood\r\nrc=0\n");
  CHECK(s["no match"] == "rc=1\n");
  CHECK(s["explain"].find("pe:x86_64") != std::string::npos);
}

TEST_CASE("wine: a PE32 program with only 64-bit Wine is one line naming what to install, exit 127", "[wine]") {
  // Debian's wine64 starts a PE32 program, prints nothing and exits 0: the
  // registry offers pe:i386 only Wine's 32-bit loader, and says what to install.
  if (::access("/usr/lib/wine/wine", X_OK) == 0) {
    WARN("32-bit Wine is installed here: nothing to check");
    return;
  }
  RunResult r = with_wine("cd $EXAMPLES/pe; ./hello32.exe a 2>&1; echo \"rc=$?\"");
  CHECK(r.out == "scarlet: ./hello32.exe: pe:i386 program, but no runtime is installed (tried wine); install "
                 "wine32:i386 (dpkg --add-architecture i386; apt-get update; apt-get install wine32:i386)\nrc=127\n");
}
