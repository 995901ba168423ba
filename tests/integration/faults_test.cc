// Faults around real execs in a sandbox: the daemon killed, stopped or
// reloaded mid-run (re-registering the kernel entry the execs need), and its
// kernel entries removed by someone else. No foreign exec may fail because of
// any of it.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "integration/paths.h"
#include "support/registry_copy.h"
#include "support/sandbox.h"
#include "support/temp_dir.h"

using namespace scarlet::test;

namespace {

const std::vector<std::string> kEnv = {"EXAMPLES=" + kExamples};

// Shell functions for the scripts: the sandbox daemon's pid, and one checked
// exec (of hello-aarch64-static, or the example named by $2) that prints
// "ok" or what went wrong, on one line.
const std::string kPrelude = R"SH(
daemon_pid() { $CLI status --json | sed -n 's/^  "pid": \([0-9]*\),$/\1/p'; }
one_exec() {
  out=$($EXAMPLES/elf/${2:-hello-aarch64-static} "$1" 2>&1); rc=$?
  if [ $rc = 11 ] && [ "$(printf '%s' "$out" | tail -n 1)" = "arg1=[$1]" ]; then echo ok; else echo "failed rc=$rc: $(printf '%s' "$out" | tr '\n' '|')"; fi
}
)SH";

// Lines of `text` that are not "ok".
std::vector<std::string> failures(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line != "ok") out.push_back(line);
  return out;
}

int lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

// A rule format whose direct interpreter (the kernel route, route.h) is
// dir/interp, at first a copy of /bin/echo: it echoes what it gets (the
// path and argv[0], P). The tests put /usr/bin/printf (its first argument
// alone) in its place. Programs, not scripts: a script's own interpreter
// would read the new file by path.
struct PinnedInterpreter {
  TempDir dir;
  RegistryCopy registry;
  PinnedInterpreter()
      : registry(kRegistry, R"({"version": 1, "rules": [{"name": "pinned", "magic": "PINNED"}],
          "formats": {"rule:pinned": {"runtimes": [{"path": ")" + dir.path() + R"(/interp",
            "direct": {"interpreter": ")" + dir.path() + R"(/interp"}}]}}})") {
    dir.write("interp", read_file("/bin/echo"), 0755);
  }
};

}  // namespace

TEST_CASE("faults: the daemon killed mid-run costs no exec", "[faults]") {
  RegistryCopy shim(kRegistry, through_shim(kRegistry));  // foreign ELF through the shim and daemon
  RunResult r = in_sandbox(kCli, shim.path, kPrelude + R"SH(
pid=$(daemon_pid); [ -n "$pid" ] || echo "no daemon pid"
# Four exec loops at once; each goes on until it has run 20 execs after the kill.
worker() {
  i=0; after=0
  while [ $after -lt 20 ]; do
    i=$((i + 1)); [ -e $T/killed ] && after=$((after + 1))
    one_exec "worker $1 run $i"
  done > $T/execs.$1
}
for w in 1 2 3 4; do worker $w & done
# The kill comes once every loop has run 10 execs, so all four are mid-stream.
for i in $(seq 1 600); do
  busy=0; for w in 1 2 3 4; do [ "$(cat $T/execs.$w 2>/dev/null | wc -l)" -ge 10 ] && busy=$((busy + 1)); done
  [ $busy = 4 ] && break; sleep 0.05
done
echo "=== decisions before the kill"; $CLI status --json | sed -n 's/^    "decisions": \([0-9]*\),*$/\1/p'
kill -KILL $pid; touch $T/killed
wait
echo "=== execs"; cat $T/execs.1 $T/execs.2 $T/execs.3 $T/execs.4
echo "=== daemon"
# Killed for good: gone, or a zombie until the sandbox reaps it.
state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' /proc/$pid/status 2>/dev/null)
[ -z "$state" ] || [ "$state" = Z ] || echo "daemon still alive ($state)"
)SH", "", kEnv);
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s[""] == "");
  // The daemon served each loop before it died ...
  CHECK(std::stoi("0" + s["decisions before the kill"]) >= 40);
  // ... and no exec failed, before, during or after the kill.
  CHECK(failures(s["execs"]) == std::vector<std::string>{});
  CHECK(lines(s["execs"]) >= 4 * (10 + 20));
  CHECK(s["daemon"] == "");
}

TEST_CASE("faults: a stopped daemon costs each exec at most the shim's deadline", "[faults]") {
  RegistryCopy shim(kRegistry, through_shim(kRegistry));  // foreign ELF through the shim and daemon
  RunResult r = in_sandbox(kCli, shim.path, kPrelude + R"SH(
pid=$(daemon_pid)
kill -STOP $pid
start=$(date +%s%N)
for i in $(seq 1 10); do one_exec "run $i"; done | sort | uniq -c
end=$(date +%s%N)
kill -CONT $pid
echo "ms=$(( (end - start) / 1000000 ))"
)SH", "", kEnv);
  INFO(r.err);
  auto newline = r.out.find("ms=");
  REQUIRE(newline != std::string::npos);
  CHECK(r.out.substr(0, newline) == "     10 ok\n");
  // Each exec waited for the stopped daemon (kDaemonTimeoutMs, 200 ms in
  // src/shim/shim.h), then decided alone; without the deadline the first exec
  // would hang for good. The margin is for the exec itself and a busy machine
  // (ctest runs two tests at once). That the execs did wait shows the daemon
  // was really stopped.
  int ms = std::stoi(r.out.substr(newline + 3));
  CHECK(ms >= 10 * 195);
  CHECK(ms < 10 * (200 + 400));
}

TEST_CASE("faults: 20 reloads, valid and invalid alternating, during 300 execs cost no exec", "[faults]") {
  TempDir dir;
  std::string reg = dir.write("registry.json", read_file(kRegistry));
  // Two valid registries that differ in a rule's runtime and in the flags of
  // elf:aarch64, so each valid reload changes decisions and re-registers that
  // kernel entry, and one invalid one.
  auto good = [](const std::string& echo, const std::string& flags) {
    return R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}],
      "formats": {"rule:bench": {"runtimes": [{"path": "/bin/echo", "args": [")" + echo + R"(", "{args}"]}]},
                  "elf:aarch64": {"direct": false, "flags": ")" + flags + R"("}}})";
  };
  const std::string bad = R"({"version": 1, "formats": {"jar": {"runtimes": [{"path": "relative/java"}]}}})";
  dir.write("good-a.json", good("bench-a", "POF"));
  dir.write("good-b.json", good("bench-b", "PF"));
  dir.write("bad.json", bad);
  dir.write("registry.d/50-bench.json", good("bench-a", "POF"));
  RunResult r = in_sandbox(kCli, reg, kPrelude + "D=" + dir.path() + R"SH(
printf 'SCARLETB' > $T/bench.prog; chmod +x $T/bench.prog
# Exec loops that run until the reloads are over and they have run 300 execs
# each: hello-aarch64-static, whose entry the valid reloads re-register, and
# hello-s390x-static, whose entry no reload touches.
execs() {
  i=0
  while [ $i -lt 300 ] || [ ! -e $T/reloads-done ]; do i=$((i + 1)); one_exec "run $i" hello-$1-static; done > $T/execs.$1
}
execs aarch64 & execs s390x &
for i in $(seq 1 100); do [ -s $T/execs.aarch64 ] && [ -s $T/execs.s390x ] && break; sleep 0.05; done
in_force=a
for i in $(seq 1 20); do
  if [ $((i % 2)) = 1 ]; then
    if [ $in_force = a ]; then in_force=b; else in_force=a; fi
    cp $D/good-$in_force.json $D/registry.d/50-bench.json
    $CLI reload >/dev/null || echo "valid reload $i failed"
  else
    cp $D/bad.json $D/registry.d/50-bench.json
    $CLI reload 2>/dev/null && echo "invalid reload $i accepted"
  fi
  # After an invalid reload, the previous registry stays in force.
  [ "$($T/bench.prog x)" = "bench-$in_force x" ] || echo "reload $i: $($T/bench.prog x), not registry $in_force"
  flags=$(sed -n 's/^flags: //p' /proc/sys/fs/binfmt_misc/scarlet-elf.aarch64)
  { [ $in_force = a ] && [ "$flags" = POF ]; } || { [ $in_force = b ] && [ "$flags" = PF ]; } ||
    echo "reload $i: scarlet-elf.aarch64 has flags '$flags' under registry $in_force"
  sleep 0.1
done
touch $T/reloads-done
wait
$CLI status --json > $T/status
sed -n 's/^    "\(reloads\|reload_failures\)": \([0-9]*\),*$/\1=\2/p' $T/status
grep -c '"last_reload_error": ".*relative/java' $T/status
echo "=== aarch64"; cat $T/execs.aarch64
echo "=== s390x"; cat $T/execs.s390x
)SH", "", kEnv);
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s[""] == "reloads=10\nreload_failures=10\n1\n");
  // No reload costs an exec of a format whose kernel entry it leaves alone...
  CHECK(failures(s["s390x"]) == std::vector<std::string>{});
  CHECK(lines(s["s390x"]) >= 300);
  // ...nor of the one whose entry it registers again: the new entry comes in
  // before the old one goes (BinfmtTable::replace). A remove-then-add lost
  // about 2 % of the execs that met a re-registration (ENOEXEC).
  CHECK(failures(s["aarch64"]) == std::vector<std::string>{});
  CHECK(lines(s["aarch64"]) >= 300);
}

TEST_CASE("faults: entries removed or flushed by someone else come back within 2 s", "[faults]") {
  RunResult r = in_sandbox(kCli, kRegistry, R"SH(
B=/proc/sys/fs/binfmt_misc
wait_for() { for i in $(seq 1 20); do [ -e $B/$1 ] && return 0; sleep 0.1; done; return 1; }
echo -1 > $B/scarlet-elf.aarch64
wait_for scarlet-elf.aarch64 && echo "one entry restored"
echo -1 > $B/status
wait_for scarlet-elf.s390x && wait_for scarlet-jar && echo "flushed table restored"
$EXAMPLES/elf/hello-s390x-static x | head -n 1
sleep 0.2
grep -c 'removed by someone else' $SCARLET_RUNDIR/daemon.log
)SH", "", kEnv);
  INFO(r.err);
  auto lines = r.out;
  CHECK(lines.starts_with("one entry restored\nflushed table restored\nhello from elf:s390x\n"));
  CHECK(std::stoi(lines.substr(lines.rfind("s390x\n") + 6)) >= 40);  // the log says so, entry by entry
}

TEST_CASE("faults: an entry's interpreter replaced on disk is registered again within 2 s", "[faults]") {
  // What a package upgrade does: a new file renamed over the old one. With F
  // the kernel holds the file it opened at registration; the daemon must
  // register the entry again, or the kernel would go on running the old one.
  PinnedInterpreter pin;
  RunResult r = in_sandbox(kCli, pin.registry.path, R"SH(
printf PINNED > $T/prog; chmod +x $T/prog
echo "=== route"; grep -x "interpreter $D/interp" /proc/sys/fs/binfmt_misc/scarlet-rule.pinned
echo "=== before"; $T/prog
cp /usr/bin/printf $D/interp.new; mv -f $D/interp.new $D/interp
start=$(date +%s%N)
while [ "$($T/prog)" != $T/prog ] && [ $(( ($(date +%s%N) - start) / 1000000 )) -lt 3000 ]; do sleep 0.05; done
echo "=== after"; $T/prog; echo; echo "ms=$(( ($(date +%s%N) - start) / 1000000 ))"
grep -c 'was replaced (an upgrade?); registered its 1 entries again' $SCARLET_RUNDIR/daemon.log
)SH", "", {"D=" + pin.dir.path()});
  INFO(r.out << r.err);
  auto s = sections(r.out);
  CHECK(s["route"] == "interpreter " + pin.dir.path() + "/interp\n");
  const std::string prog = s["before"].substr(0, s["before"].find(' '));
  CHECK(s["before"] == prog + " " + prog + "\n");
  REQUIRE(s["after"].starts_with(prog + "\nms="));
  CHECK(std::stoi(s["after"].substr(prog.size() + 4)) <= 2000);
  CHECK(s["after"].ends_with("\n1\n"));
}

TEST_CASE("faults: an interpreter replaced while the daemon was stopped is the one run after it starts", "[faults]") {
  // A stop leaves the entries, and each F entry holds the file it opened:
  // the next start must register them again, or the old file goes on running.
  PinnedInterpreter pin;
  RunResult r = in_sandbox(kCli, pin.registry.path, kPrelude + R"SH(
printf PINNED > $T/prog; chmod +x $T/prog
echo "=== before"; $T/prog
pid=$(daemon_pid); kill -TERM $pid
# Gone, or a zombie of the sandbox's (which reaps it when this script ends).
for i in $(seq 1 100); do
  st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' /proc/$pid/status 2>/dev/null); [ -z "$st" ] || [ "$st" = Z ] && break; sleep 0.05
done
cp /usr/bin/printf $D/interp.new; mv -f $D/interp.new $D/interp
echo "=== stopped"; $T/prog
$CLI --registry $REGISTRY --run-dir $T/run daemon 2>$T/log & d=$!
for i in $(seq 1 50); do [ -S $T/run/socket ] && break; sleep 0.1; done
echo "=== started"; $T/prog; echo
kill -TERM $d; wait $d
grep -c 'entries left by an earlier run, with today.s files' $T/log
)SH", "", {"D=" + pin.dir.path(), "REGISTRY=" + pin.registry.path});
  INFO(r.out << r.err);
  auto s = sections(r.out);
  const std::string prog = s["before"].substr(0, s["before"].find(' '));
  CHECK(s["before"] == prog + " " + prog + "\n");
  CHECK(s["stopped"] == prog + " " + prog + "\n");  // the kernel still holds the old file
  CHECK(s["started"] == prog + "\n1\n");
}
