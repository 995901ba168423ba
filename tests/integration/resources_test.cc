// Resource control (issue 14) where there is no systemd: a sandbox's daemon
// cannot make a transient scope, so a format's "resources" become rlimits
// (resource_fallback.h), whether the daemon decides or the shim decides
// alone. The program is tests/integration/hostile/greedy.c, a static aarch64
// program run by the real qemu-user-static through the sandbox's own
// binfmt_misc. Under systemd the same is checked in tests/system.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "integration/paths.h"
#include "support/registry_copy.h"
#include "support/sandbox.h"
#include "support/temp_dir.h"

using namespace scarlet::test;

namespace {

const std::string kGreedy = kBinaryDir + "/hostile/greedy-aarch64";
// On the format, as an admin would write it. 400M of address space leaves
// qemu-user its own ~200 MiB (its translation buffer alone is 128 MiB).
const std::string kPolicy = R"({"version": 1, "formats": {"elf:aarch64": {"direct": false,
  "resources": {"memory": "400M", "tasks": 16, "cpu_quota": "50%"}}}})";
const std::string kNoPolicy = R"({"version": 1, "formats": {"elf:aarch64": {"direct": false}}})";

// greedy's four runs as an ordinary user (root is not held to RLIMIT_NPROC),
// the fork bomb's count folded so that the line does not depend on timing,
// then how many of its processes are left. (A child whose qemu cannot start
// its own helper thread fails a glib assertion, on stdout: dropped.)
const std::string kRuns = R"SH(
as_user() { setpriv --reuid=1000 --regid=1000 --clear-groups "$@"; }
greedy() {
  as_user $G alloc 100; echo "rc=$?"
  as_user $G alloc 600; echo "rc=$?"
  as_user $G forkbomb 4; echo "rc=$?"
  as_user $G forkbomb 40 2>/dev/null | grep -v '^Bail out!' | sed -E 's/^forkbomb: [0-9]+ of 40 \(fork: (.*)\)$/forkbomb: stopped short of 40: \1/'
  echo "rc=$?"
  sleep 0.2
  echo "qemu processes left: $(ls -l /proc/[0-9]*/exe 2>/dev/null | grep -c qemu-aarch64)"
}
)SH";

RunResult greedy_in_sandbox(const std::string& drop_in, const std::string& script) {
  RegistryCopy reg(kRegistry, drop_in);
  TempDir t;
  ::chmod(t.path().c_str(), 0755);
  std::string g = t.write("greedy", read_file(kGreedy));
  ::chmod(g.c_str(), 0755);
  return in_sandbox(kCli, reg.path, "G=" + g + "\n" + kRuns + script);
}

const std::string kStopped =
    "alloc: 100 MiB touched\nrc=0\n"
    "alloc: 600 MiB failed (Cannot allocate memory)\nrc=1\n"
    "forkbomb: 4 of 4\nrc=0\n"
    "forkbomb: stopped short of 40: Resource temporarily unavailable\nrc=0\n"
    "qemu processes left: 0\n";

}  // namespace

TEST_CASE("resources: without systemd, rlimits stop greedy's fork bomb and its allocation, daemon or shim alone",
          "[resources]") {
  RunResult r = greedy_in_sandbox(kPolicy, R"SH(
echo "=== daemon"; greedy
echo "=== log"; grep -o 'elf:aarch64 resources memory=400M tasks=16 cpu_quota=50%: no scope (the daemon runs with --no-scopes); rlimits instead: as=419430400, nproc=[0-9]*; not applied: cpu_quota' $SCARLET_RUNDIR/daemon.log | sed 's/nproc=[0-9]*/nproc=N/' | sort | uniq -c | sed 's/^ *//'
$CLI status --json > $T/status
pid=$(sed -n 's/^  "pid": \([0-9]*\),$/\1/p' $T/status)
kill -KILL $pid
for i in $(seq 1 50); do s=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' /proc/$pid/status 2>/dev/null); [ -z "$s" ] || [ "$s" = Z ] && break; sleep 0.1; done
echo "=== shim alone"; $CLI status >/dev/null 2>&1; echo "status rc=$?"; greedy
)SH");
  INFO(r.out << r.err);
  auto s = sections(r.out);
  CHECK(s["daemon"] == kStopped);
  // One line per exec that had resources: the four runs.
  CHECK(s["log"] == "4 elf:aarch64 resources memory=400M tasks=16 cpu_quota=50%: no scope (the daemon runs with --no-scopes); rlimits instead: as=419430400, nproc=N; not applied: cpu_quota\n");
  CHECK(s["shim alone"] == "status rc=3\n" + kStopped);
}

TEST_CASE("resources: without the policy, greedy gets its memory and its forty children", "[resources]") {
  RunResult r = greedy_in_sandbox(kNoPolicy, "echo '=== free'; greedy\n");
  INFO(r.out << r.err);
  CHECK(sections(r.out)["free"] ==
        "alloc: 100 MiB touched\nrc=0\nalloc: 600 MiB touched\nrc=0\nforkbomb: 4 of 4\nrc=0\nforkbomb: 40 of 40\nrc=0\n"
        "qemu processes left: 0\n");
}

TEST_CASE("resources: explain says what is applied and what is not", "[resources]") {
  RunResult r = greedy_in_sandbox(kPolicy, "echo '=== daemon'; $CLI explain $G | grep -A2 '^resources:'\n");
  INFO(r.out << r.err);
  CHECK(sections(r.out)["daemon"] ==
        "resources: memory=400M tasks=16 cpu_quota=50%\n"
        "  applied: no systemd scope: the daemon runs with --no-scopes; rlimits stand in\n"
        "  without a cgroup: rlimits as=419430400, nproc=the user's tasks + 16; cpu_quota not applied (no rlimit equivalent)\n");
}
