// Faults around real execs in a sandbox: the daemon killed, stopped or
// reloaded mid-run, and its kernel entries removed by someone else. No
// foreign exec may fail because of any of it.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "integration/paths.h"
#include "support/sandbox.h"
#include "support/temp_dir.h"

using namespace scarlet::test;

namespace {

const std::vector<std::string> kEnv = {"EXAMPLES=" + kExamples};

// Shell functions for the scripts: the sandbox daemon's pid, and one checked
// exec that prints "ok" or what went wrong.
const std::string kPrelude = R"SH(
daemon_pid() { $CLI status --json | sed -n 's/^  "pid": \([0-9]*\),$/\1/p'; }
one_exec() {
  out=$($EXAMPLES/elf/hello-aarch64-static "$1" 2>&1); rc=$?
  if [ $rc = 11 ] && [ "$(printf '%s' "$out" | tail -n 1)" = "arg1=[$1]" ]; then echo ok; else echo "failed rc=$rc: $out"; fi
}
)SH";

}  // namespace

TEST_CASE("faults: the daemon killed mid-run costs no exec", "[faults]") {
  RunResult r = in_sandbox(kCli, kRegistry, kPrelude + R"SH(
pid=$(daemon_pid); [ -n "$pid" ] || echo "no daemon pid"
for i in $(seq 1 60); do
  [ $i = 20 ] && kill -KILL $pid
  one_exec "run $i"
done | sort | uniq -c
# Killed for good: gone, or a zombie until the sandbox reaps it.
state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' /proc/$pid/status 2>/dev/null)
[ -z "$state" ] || [ "$state" = Z ] || echo "daemon still alive ($state)"
)SH", "", kEnv);
  INFO(r.err);
  CHECK(r.out == "     60 ok\n");
}

TEST_CASE("faults: a stopped daemon costs each exec at most the shim's deadline", "[faults]") {
  RunResult r = in_sandbox(kCli, kRegistry, kPrelude + R"SH(
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
  // Each exec waited for the stopped daemon at most 200 ms, then decided
  // alone; without the deadline the first exec would hang for good.
  int ms = std::stoi(r.out.substr(newline + 3));
  CHECK(ms < 10 * (200 + 800));
}

TEST_CASE("faults: 20 reloads, valid and invalid alternating, during 300 execs cost no exec", "[faults]") {
  TempDir dir;
  std::string reg = dir.write("registry.json", read_file(kRegistry));
  const std::string good = R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}],
    "formats": {"rule:bench": {"runtimes": [{"path": "/bin/echo", "args": ["bench", "{args}"]}]}}})";
  const std::string bad = R"({"version": 1, "formats": {"jar": {"runtimes": [{"path": "relative/java"}]}}})";
  dir.write("good.json", good);
  dir.write("bad.json", bad);
  RunResult r = in_sandbox(kCli, reg, kPrelude + "D=" + dir.path() + R"SH(
printf 'SCARLETB' > $T/bench.prog; chmod +x $T/bench.prog
(for i in $(seq 1 300); do one_exec "run $i"; done | sort | uniq -c > $T/execs) &
execs=$!
for i in $(seq 1 20); do
  if [ $((i % 2)) = 1 ]; then
    cp $D/good.json $D/registry.d/50-bench.json 2>/dev/null || { mkdir -p $D/registry.d; cp $D/good.json $D/registry.d/50-bench.json; }
    $CLI reload >/dev/null || echo "valid reload $i failed"
    [ "$($T/bench.prog x)" = "bench x" ] || echo "reload $i not in force"
  else
    cp $D/bad.json $D/registry.d/50-bench.json
    $CLI reload 2>/dev/null && echo "invalid reload $i accepted"
    # The previous registry, with its rule, stays in force.
    [ "$($T/bench.prog y)" = "bench y" ] || echo "reload $i lost the previous registry"
  fi
  sleep 0.1
done
wait $execs
cat $T/execs
$CLI status --json > $T/status
sed -n 's/^    "\(reloads\|reload_failures\)": \([0-9]*\),*$/\1=\2/p' $T/status
grep -c '"last_reload_error": ".*relative/java' $T/status
)SH", "", kEnv);
  INFO(r.err);
  CHECK(r.out == "    300 ok\nreloads=10\nreload_failures=10\n1\n");
}

TEST_CASE("faults: entries removed or flushed by someone else come back within 2 s", "[faults]") {
  RunResult r = in_sandbox(kCli, kRegistry, R"SH(
B=/proc/sys/fs/binfmt_misc
wait_for() { for i in $(seq 1 20); do [ -e $B/$1 ] && return 0; sleep 0.1; done; return 1; }
echo -1 > $B/scarlet-elf-aarch64
wait_for scarlet-elf-aarch64 && echo "one entry restored"
echo -1 > $B/status
wait_for scarlet-elf-s390x && wait_for scarlet-jar && echo "flushed table restored"
$EXAMPLES/elf/hello-s390x-static x | head -n 1
sleep 0.2
grep -c 'removed by someone else' $SCARLET_RUNDIR/daemon.log
)SH", "", kEnv);
  INFO(r.err);
  auto lines = r.out;
  CHECK(lines.starts_with("one entry restored\nflushed table restored\nhello from elf:s390x\n"));
  CHECK(std::stoi(lines.substr(lines.rfind("s390x\n") + 6)) >= 40);  // the log says so, entry by entry
}
