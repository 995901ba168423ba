// Wine kept warm (src/launchers/scarlet_wine.cc) under the real Wine, through
// the shim in a sandbox: the prefix's server stays after a program ends,
// detached from the caller's pipes, is reused by the next exec, is replaced
// when Wine changes or its record is garbage, and is never shared between
// users. Each script ends every server it started (an EXIT trap: kill, then
// wait) and says whether any process of its prefixes is left.
#include <catch2/catch.hpp>

#include "integration/paths.h"
#include "support/sandbox.h"
#include "support/user_copy.h"

using namespace scarlet::test;

namespace {

// Shell helpers the scripts share: the processes of a prefix (found by the
// WINEPREFIX in their environment and a Wine name), the server pid scarlet-wine's trace
// names, and the teardown.
const std::string kHelpers = R"SH(
unset DISPLAY WAYLAND_DISPLAY
export WINEDLLOVERRIDES=mscoree,mshtml= SCARLET_CACHE_TRACE=1
as_user() { setpriv --reuid=1000 --regid=1000 --clear-groups env HOME=$T/u "$@"; }
procs() {  # Wine's processes only (wineserver*, *.exe), not this shell's
  for e in /proc/[0-9]*/environ; do
    case $(cat ${e%/environ}/comm 2>/dev/null) in wine* | *.exe) ;; *) continue ;; esac
    { tr '\0' '\n' <$e; } 2>/dev/null | grep -qx "WINEPREFIX=$1" && echo ${e%/environ}
  done
}
gone() {  # no such process, or a zombie the (slow) reaper has not collected yet
  state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' /proc/$1/status 2>/dev/null)
  [ -z "$state" ] || [ "$state" = Z ]
}
server_pid() { sed -n 's/.*(pid \([0-9]*\))$/\1/p; s/.* is pid \([0-9]*\)$/\1/p' | tail -n 1; }
server_dir_gone() {  # Debian's Wine leaves its /tmp/wine-XXXXXX directory behind
  n=$(cat $1/wineserver 2>/dev/null); case $n in wine-?*) rm -rf "/tmp/$n" ;; esac
}
stop() {
  WINEPREFIX=$T/wine /usr/lib/wine/wineserver -k 2>/dev/null; WINEPREFIX=$T/wine /usr/lib/wine/wineserver -w
  server_dir_gone $T/wine
  if [ -d $T/u/wine ]; then
    as_user WINEPREFIX=$T/u/wine /usr/lib/wine/wineserver -k 2>/dev/null; as_user WINEPREFIX=$T/u/wine /usr/lib/wine/wineserver -w
    server_dir_gone $T/u/wine
  fi
  echo '=== left'; { procs $T/wine; procs $T/u/wine; } | wc -l
}
trap stop EXIT
chmod 755 $T; mkdir -m 755 $T/u; chown 1000:1000 $T/u
export HOME=$T WINEPREFIX=$T/wine
cd $EXAMPLES/pe
)SH";

RunResult with_warm_wine(const std::string& script) {
  UserCopy copy(kBinaryDir);  // uid 1000 reaches the examples and the launcher
  return in_sandbox(copy.cli(), copy.registry(), kHelpers + script, "", {"EXAMPLES=" + copy.examples(), "WINEDEBUG=-all"});
}

}  // namespace

TEST_CASE("wine warm: the server stays after $(prog) returns, holding none of its pipes, and the next exec uses it",
          "[wine][cache]") {
  RunResult r = with_warm_wine(R"SH(
echo '=== first'; out=$(./hello64.exe a 2>&1); echo "rc=$?"
printf '%s\n' "$out" | grep -v '^scarlet-wine'; printf '%s\n' "$out" | grep -c 'preparing the new prefix'
first=$(printf '%s\n' "$out" | server_pid)
echo '=== still running, on /dev/null'
for p in $(procs $T/wine); do for fd in 0 1 2; do readlink $p/fd/$fd; done; done | sort | uniq -c | sed 's/^ *//'
[ -n "$first" ] && ! gone $first && echo "server alive"
echo '=== second'; out=$(./hello64.exe b 2>&1); echo "rc=$?"
printf '%s\n' "$out" | grep -c '^scarlet-wine: warm: the server'
[ "$(printf '%s\n' "$out" | server_pid)" = "$first" ] && echo "same server"
echo '=== stdin'; printf 'in\n' | ./hello64.exe - 2>/dev/null | tail -n 1
)SH");
  INFO(r.out);
  INFO(r.err);
  auto s = sections(r.out);
  std::string argv0 = "Z:" + kExamples + "/pe/hello64.exe";
  CHECK(s["first"].starts_with("rc=11\nhello from pe:x86_64\n"));
  CHECK(s["first"].ends_with("arg1=[a]\n1\n"));
  // Several Wine processes (the server and its services), each with all
  // three standard fds on /dev/null: 3 x N lines of one kind.
  CHECK(s["still running, on /dev/null"].find(" /dev/null\nserver alive\n") != std::string::npos);
  CHECK(s["still running, on /dev/null"].find("pipe") == std::string::npos);
  CHECK(s["second"] == "rc=11\n1\nsame server\n");
  CHECK(s["stdin"] == "in\n");
  CHECK(s["left"] == "0\n");
}

TEST_CASE("wine warm: a changed Wine or a garbage record replaces the server, never reuses it", "[wine][cache]") {
  RunResult r = with_warm_wine(R"SH(
first=$(./hello64.exe 2>&1 >/dev/null | server_pid)
echo '=== unchanged'; again=$(./hello64.exe 2>&1 >/dev/null | server_pid); [ "$again" = "$first" ] && echo same
# An upgrade, as dpkg makes it: the same path, a new file.
cp /usr/lib/wine/wineserver64 $T/wineserver64 && mount --bind $T/wineserver64 /usr/lib/wine/wineserver64
echo '=== upgraded'; out=$(./hello64.exe x 2>&1); echo "rc=$?"
printf '%s\n' "$out" | grep -c 'Wine changed since the server'
upgraded=$(printf '%s\n' "$out" | server_pid)
[ -n "$upgraded" ] && [ "$upgraded" != "$first" ] && echo "new server"; gone $first && echo "old one gone"
echo '=== garbage'; echo 'torn' >$WINEPREFIX/.scarlet-wine; out=$(./hello64.exe y 2>&1); echo "rc=$?"
printf '%s\n' "$out" | grep -c 'Wine changed since the server'
[ "$(printf '%s\n' "$out" | server_pid)" != "$upgraded" ] && echo "new server"
printf '%s\n' "$out" | grep -c 'arg1=\[y\]'
)SH");
  INFO(r.out);
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["unchanged"] == "same\n");
  CHECK(s["upgraded"] == "rc=11\n1\nnew server\nold one gone\n");
  CHECK(s["garbage"] == "rc=11\n1\nnew server\n1\n");
  CHECK(s["left"] == "0\n");
}

TEST_CASE("wine warm: two users never share a server, and a user cannot warm another's prefix", "[wine][cache]") {
  RunResult r = with_warm_wine(R"SH(
root=$(./hello64.exe 2>&1 >/dev/null | server_pid)
user=$(as_user WINEPREFIX=$T/u/wine ./hello64.exe 2>&1 >/dev/null | server_pid)
echo '=== owners'; stat -c %u /proc/$root /proc/$user; [ "$root" != "$user" ] && echo "two servers"
echo '=== user on root prefix'; out=$(as_user WINEPREFIX=$T/wine ./hello64.exe 2>&1); echo "rc=$?"
printf '%s\n' "$out" | grep -c 'not kept warm'
procs $T/wine | while read p; do stat -c %u $p; done | sort -u
echo '=== root server untouched'; [ "$(./hello64.exe 2>&1 >/dev/null | server_pid)" = "$root" ] && echo same
)SH");
  INFO(r.out);
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["owners"] == "0\n1000\ntwo servers\n");
  // Wine refuses a prefix its user does not own; nothing of uid 1000 runs in it.
  CHECK(s["user on root prefix"].starts_with("rc="));
  CHECK(s["user on root prefix"].find("rc=11") == std::string::npos);
  CHECK(s["user on root prefix"].ends_with("\n1\n0\n"));
  CHECK(s["root server untouched"] == "same\n");
  CHECK(s["left"] == "0\n");
}
