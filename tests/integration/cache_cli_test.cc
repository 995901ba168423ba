// `scarlet-dispatch cache` (src/cli/cache.cc) on real caches: a warm Wine
// server and a transpiled component of root's, a component of uid 1000's
// (whose passwd home is the test's scratch directory, through a private
// /etc/passwd in the sandbox). Each user sees only its own; root acts for a
// user with --user, nobody else may; drop ends the servers and removes the
// entries. The script ends its Wine server whatever happens (an EXIT trap).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "integration/paths.h"
#include "support/registry_copy.h"
#include "support/sandbox.h"
#include "support/user_copy.h"

using namespace scarlet::test;

TEST_CASE("cache: each user lists and drops its own warm servers and components, and root may act for a user",
          "[cache][wine][wasm]") {
  UserCopy copy(kBinaryDir);
  RegistryCopy reg(copy.registry(), R"({"version": 1, "formats": {"wasm-component": {"runtimes": [{"path": "/usr/bin/node", "via": ")" +
                                        copy.examples() + R"(/../libexec/scarlet-wasi-component", "args": ["{runtime}", "{binary}", "{argv0}", "{args}"]}]}}})");
  RunResult r = in_sandbox(copy.cli(), reg.path, R"SH(
unset DISPLAY WAYLAND_DISPLAY XDG_CACHE_HOME
export HOME=$T WINEPREFIX=$T/wine WINEDEBUG=-all
stop() {
  WINEPREFIX=$T/wine /usr/lib/wine/wineserver -k 2>/dev/null; WINEPREFIX=$T/wine /usr/lib/wine/wineserver -w
  n=$(cat $T/wine/wineserver 2>/dev/null); case $n in wine-?*) rm -rf "/tmp/$n" ;; esac  # left by Debian's Wine
}
trap stop EXIT
chmod 755 $T; mkdir -m 755 $T/u $T/root; chown 1000:1000 $T/u
# Private passwd: root's home and uid 1000's are scratch directories.
awk -F: -v OFS=: -v t=$T '$3 == 0 { $6 = t "/root" } $3 == 1000 { $6 = t "/u"; seen = 1 } { print } END { if (!seen) print "u1000:x:1000:1000::" t "/u:/bin/sh" }' /etc/passwd >$T/passwd
mount --bind $T/passwd /etc/passwd
user=$(getent passwd 1000 | cut -d: -f1)
as_user() { setpriv --reuid=1000 --regid=1000 --clear-groups env HOME=$T/u "$@"; }
$EXAMPLES/pe/hello64.exe >/dev/null; $EXAMPLES/wasm/hello.component.wasm >/dev/null
echo '=== root'; $CLI cache --json
echo '=== user before'; as_user $CLI cache --json
as_user $EXAMPLES/wasm/hello.component.wasm >/dev/null
echo '=== user after'; as_user $CLI cache --json
echo '=== user for root'; as_user $CLI cache --user root; echo "rc=$?"
echo '=== root for user'; $CLI cache --user $user drop components
echo '=== user dropped'; as_user $CLI cache --json
echo '=== root drop wine'; pid=$($CLI cache --json | sed -n 's/.*"server_pid": \([0-9]*\).*/\1/p'); $CLI cache drop wine
state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' /proc/$pid/status 2>/dev/null)
[ -z "$state" ] || [ "$state" = Z ] || echo "still running"; $CLI cache
)SH",
                           "", {"EXAMPLES=" + copy.examples()});
  INFO(r.out);
  INFO(r.err);
  auto s = sections(r.out);
  auto j = [&](const char* name) { return nlohmann::json::parse(s[name], nullptr, false); };
  auto root = j("root");
  REQUIRE(root.is_object());
  CHECK(root["uid"] == 0);
  REQUIRE(root["wine"].size() == 1);
  CHECK(root["wine"][0]["prefix"].get<std::string>().ends_with("/wine"));
  CHECK(root["wine"][0]["server_pid"].is_number());
  REQUIRE(root["components"].size() == 1);
  CHECK(root["components"][0]["source"] == copy.examples() + "/wasm/hello.component.wasm");
  auto before = j("user before");
  CHECK(before["uid"] == 1000);
  CHECK(before["wine"].empty());
  CHECK(before["components"].empty());
  auto after = j("user after");
  REQUIRE(after["components"].size() == 1);
  CHECK(after["cache_dir"].get<std::string>().find("/u/.cache/scarlet-dispatch") != std::string::npos);
  CHECK(s["user for root"] == "rc=126\n");
  CHECK(s["root for user"].starts_with("dropped 1 component entry ("));
  CHECK(j("user dropped")["components"].empty());
  CHECK(j("user dropped")["uid"] == 1000);
  CHECK(s["root drop wine"].starts_with("ended the wineserver of "));
  CHECK(s["root drop wine"].find("still running") == std::string::npos);
  CHECK(s["root drop wine"].find("wine prefixes (a server stays SCARLET_WINE_IDLE seconds, 300 by default, after its last "
                                 "program):\n  none\ncomponents (1, ") != std::string::npos);
}
