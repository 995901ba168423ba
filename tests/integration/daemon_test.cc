// The daemon's life with the kernel table: mounting binfmt_misc, living next
// to other tools' entries, reloading only the difference, stopping cleanly,
// socket activation; and the sandbox around it.
#include <catch2/catch.hpp>
#include <sstream>
#include <nlohmann/json.hpp>

#include "integration/paths.h"
#include "support/registry_copy.h"
#include "support/sandbox.h"
#include "support/user_copy.h"
#include "support/temp_dir.h"

using namespace scarlet::test;

namespace {

const std::vector<std::string> kEnv = {"EXAMPLES=" + kExamples, "REGISTRY=" + kRegistry};

// Shell helpers: the sandbox daemon's pid; wait for a process to end.
const std::string kPrelude = R"SH(
daemon_pid() { $CLI status --json | sed -n 's/^  "pid": \([0-9]*\),$/\1/p'; }
gone() { for i in $(seq 1 50); do s=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' /proc/$1/status 2>/dev/null); [ -z "$s" ] || [ "$s" = Z ] && return 0; sleep 0.1; done; return 1; }
ours() { ls /proc/sys/fs/binfmt_misc | grep -c '^scarlet-'; }
)SH";

}  // namespace

TEST_CASE("daemon: mounts binfmt_misc when nothing is mounted, and with --remove-entries removes its entries on stop", "[daemon]") {
  TempDir t;
  // Outside a sandbox: no kernel routes, whose sysroot links would go into
  // the host's /etc (sysroot_link.h).
  RegistryCopy shim(kRegistry, through_shim(kRegistry));
  RunResult r = run({"unshare", "--user", "--map-root-user", "--mount", "/bin/sh", "-c", R"SH(
ls /proc/sys/fs/binfmt_misc | wc -l
$CLI --registry $REGISTRY --run-dir $T daemon --remove-entries 2>$T/log &
d=$!
for i in $(seq 1 50); do [ -S $T/socket ] && break; sleep 0.1; done
ls /proc/sys/fs/binfmt_misc | grep -c '^scarlet-'
kill -TERM $d; wait $d; echo "exit=$?"
ls /proc/sys/fs/binfmt_misc | grep -c '^scarlet-'
)SH"}, "", {"CLI=" + kCli, "REGISTRY=" + shim.path, "T=" + t.path()});
  INFO(r.err);
  std::istringstream out(r.out);
  int before, during, after;
  std::string exit_line;
  out >> before >> during >> exit_line >> after;
  CHECK(before == 0);  // not even register/status: not mounted
  CHECK(during > 30);
  CHECK(exit_line == "exit=0");
  CHECK(after == 0);
}

TEST_CASE("daemon: other tools' entries are reported, never touched", "[daemon]") {
  RunResult r = in_sandbox(kCli, kRegistry, kPrelude + R"SH(
B=/proc/sys/fs/binfmt_misc
echo ':qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64-static:F' > $B/register
echo ':someone-else:E::xyz::/bin/cat:' > $B/register
echo '=== others'; $CLI status --json
$CLI reload >/dev/null
pid=$(daemon_pid); kill -TERM $pid; gone $pid
echo '=== left'; ls $B | grep -v -e register -e status -e '^scarlet-'
)SH", "", kEnv);
  INFO(r.err);
  auto s = sections(r.out);
  auto others = nlohmann::json::parse(s["others"])["other_entries"];
  REQUIRE(others.size() == 1);  // someone-else's extension overlaps nothing of ours
  CHECK(others[0]["name"] == "qemu-aarch64");
  CHECK(others[0]["interpreter"] == "/usr/bin/qemu-aarch64-static");
  CHECK(others[0]["overlaps"] == nlohmann::json::array({"scarlet-elf.aarch64"}));
  CHECK(s["left"] == "qemu-aarch64\nsomeone-else\n");  // ours are gone, theirs stay
}

TEST_CASE("daemon: a reload applies only the difference, and SIGHUP reloads too", "[daemon]") {
  TempDir dir;
  std::string reg = dir.write("registry.json", read_file(kRegistry));
  dir.write("disable-jar.json", R"({"version": 1, "formats": {"jar": {"enabled": false}}})");
  RunResult r = in_sandbox(kCli, reg, kPrelude + "D=" + dir.path() + R"SH(
log=$SCARLET_RUNDIR/daemon.log
before=$(ours); lines=$(wc -l < $log)
mkdir -p $D/registry.d && cp $D/disable-jar.json $D/registry.d/
$CLI reload
echo "=== changes"; tail -n +$((lines + 1)) $log | grep -o 'binfmt_misc: .*'
echo "=== count"; echo $((before - $(ours)))
rm $D/registry.d/disable-jar.json
kill -HUP $(daemon_pid)
for i in $(seq 1 30); do [ -e /proc/sys/fs/binfmt_misc/scarlet-jar ] && break; sleep 0.1; done
echo "=== after SIGHUP"; $CLI status --json | grep -o '"reloads": [0-9]*'; ls /proc/sys/fs/binfmt_misc | grep -c '^scarlet-jar$'
)SH", "", kEnv);
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(r.out.starts_with("reloaded\n"));
  CHECK(s["changes"] == "binfmt_misc: removed scarlet-jar\n");
  CHECK(s["count"] == "1\n");
  CHECK(s["after SIGHUP"] == "\"reloads\": 2\n1\n");
}

TEST_CASE("daemon: a stop leaves the entries working", "[daemon]") {
  TempDir t;
  RegistryCopy shim(kRegistry, through_shim(kRegistry));  // outside a sandbox: as above
  RunResult r = run({"unshare", "--user", "--map-root-user", "--mount", "/bin/sh", "-c", R"SH(
$CLI --registry $REGISTRY --run-dir $T daemon 2>$T/log &
d=$!
for i in $(seq 1 50); do [ -S $T/socket ] && break; sleep 0.1; done
kill -TERM $d; wait $d
ls /proc/sys/fs/binfmt_misc | grep -c '^scarlet-'
SCARLET_RUNDIR=$T $EXAMPLES/elf/hello-s390x-static x | head -n 1
)SH"}, "", {"CLI=" + kCli, "REGISTRY=" + shim.path, "T=" + t.path(), "EXAMPLES=" + kExamples});
  INFO(r.err);
  CHECK(std::stoi(r.out) > 30);
  // The shim decides alone, from the snapshot the daemon left.
  CHECK(r.out.ends_with("\nhello from elf:s390x\n"));
}

TEST_CASE("daemon: accepts the listening socket from systemd (socket activation)", "[daemon]") {
  TempDir t;
  RunResult r = run({"/bin/sh", "-c", R"SH(
systemd-socket-activate -l $T/socket -l @scarlet-dispatch$T $CLI --registry $REGISTRY --run-dir $T daemon --no-binfmt 2>$T/log &
a=$!
for i in $(seq 1 50); do [ -S $T/socket ] && break; sleep 0.1; done
SCARLET_RUNDIR=$T $CLI status --json | grep -c '"decisions"'
kill -TERM $a; wait $a 2>/dev/null
grep -c 'socket activation' $T/log
)SH"}, "", {"CLI=" + kCli, "REGISTRY=" + kRegistry, "T=" + t.path()});
  INFO(r.err);
  CHECK(r.out == "1\n1\n");
}

TEST_CASE("daemon: activated by a socket unit that does not hold its abstract name, it refuses to start (issue 11, finding 4)", "[daemon]") {
  // Binding the name itself then would leave it to whoever came first.
  TempDir t;
  RunResult r = run({"/bin/sh", "-c", R"SH(
systemd-socket-activate -l $T/socket $CLI --registry $REGISTRY --run-dir $T daemon --no-binfmt 2>$T/log &
a=$!
for i in $(seq 1 50); do [ -S $T/socket ] && break; sleep 0.1; done
SCARLET_RUNDIR=$T $CLI status >/dev/null 2>&1
wait $a; echo "exit=$?"
cat $T/log
)SH"}, "", {"CLI=" + kCli, "REGISTRY=" + kRegistry, "T=" + t.path()});
  INFO(r.out << r.err);
  CHECK(r.out.starts_with("exit=1\n"));
  CHECK(r.out.find("the socket unit does not hold @scarlet-dispatch" + t.path() + " (ListenStream=@scarlet-dispatch" + t.path() +
                   "): chroots could be answered by whoever binds it, so the daemon does not start") != std::string::npos);
}

TEST_CASE("sandbox: returns CMD's exit status, for root and for an ordinary user", "[daemon]") {
  RunResult root = in_sandbox(kCli, kRegistry, "exit 7", "", kEnv);
  CHECK(root.exit_code == 7);
  RunResult killed = in_sandbox(kCli, kRegistry, "kill -TERM $$", "", kEnv);
  CHECK(killed.exit_code == 128 + 15);
  UserCopy copy(kBinaryDir);  // wherever the checkout is, the user can run these
  RunResult user = run({"setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", copy.cli(), "--registry", copy.registry(),
                        "sandbox", "--", "/bin/sh", "-c", "id -u; " + copy.examples() + "/elf/hello-ppc64le-static | head -n 1; exit 3"});
  INFO(user.err);
  CHECK(user.out == "0\nhello from elf:ppc64le\n");
  CHECK(user.exit_code == 3);
  RunResult no_cmd = run({kCli, "--registry", kRegistry, "sandbox", "--", "/nonexistent/cmd"});
  CHECK(no_cmd.exit_code == 127);
}

TEST_CASE("daemon: decisions are cached until the file changes", "[daemon]") {
  RegistryCopy shim(kRegistry, through_shim(kRegistry));
  RunResult r = in_sandbox(kCli, shim.path, R"SH(
cp $EXAMPLES/elf/hello-aarch64-static $T/prog
counters() { echo "=== counters $1"; $CLI status --json; }
counters start
echo "=== runs"; for i in 1 2 3; do $T/prog x | head -n 1; done
counters same-file
ino=$(stat -c %i $T/prog)
touch $T/prog
echo "=== touched"; $T/prog x | head -n 1
counters touched
echo "=== again"; $T/prog x | head -n 1
counters again
# New contents in the same inode: another architecture's program.
cat $EXAMPLES/elf/hello-riscv64-static > $T/prog
echo "=== rewritten"; $T/prog x | head -n 1; [ "$(stat -c %i $T/prog)" = $ino ] || echo "not the same inode"
counters rewritten
)SH", "", kEnv);
  INFO(r.err);
  auto s = sections(r.out);
  auto counter = [&](const std::string& when, const char* name) {
    return nlohmann::json::parse(s["counters " + when])["counters"][name].get<int>();
  };
  auto decisions = [&](const std::string& from, const std::string& to) {
    return counter(to, "decisions") - counter(from, "decisions");
  };
  auto hits = [&](const std::string& from, const std::string& to) {
    return counter(to, "cache_hits") - counter(from, "cache_hits");
  };
  // Three execs of one file: one decision made, two answered from the cache.
  CHECK(s["runs"] == "hello from elf:aarch64\nhello from elf:aarch64\nhello from elf:aarch64\n");
  CHECK(decisions("start", "same-file") == 3);
  CHECK(hits("start", "same-file") == 2);
  // A new mtime and ctime: decided again, then cached again.
  CHECK(s["touched"] == "hello from elf:aarch64\n");
  CHECK(decisions("same-file", "touched") == 1);
  CHECK(hits("same-file", "touched") == 0);
  CHECK(s["again"] == "hello from elf:aarch64\n");
  CHECK(hits("touched", "again") == 1);
  // Rewritten in place: decided from the new contents (a stale answer would
  // run the riscv64 program under qemu-aarch64).
  CHECK(s["rewritten"] == "hello from elf:riscv64\n");
  CHECK(decisions("again", "rewritten") == 1);
  CHECK(hits("again", "rewritten") == 0);
}
