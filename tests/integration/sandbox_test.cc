// `scarlet-dispatch sandbox` and the CLI as a newcomer meets them from a build
// tree: nothing of the sandbox reaches the host's file system, any number of
// sandboxes serve their own setuid execs, and the build tree's registry is
// used when none is installed.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "integration/paths.h"
#include "support/registry_copy.h"
#include "support/sandbox.h"
#include "support/temp_dir.h"

using namespace scarlet::test;

namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// A setuid program whose format has C: its runtime says which sandbox's
// registry chose it.
std::string tagged_suid_registry(const std::string& tag) {
  return R"J({"version": 1, "rules": [{"name": "suidtest", "magic": "SUIDTEST"}],
    "formats": {"rule:suidtest": {"flags": "POCF", "runtimes": [{"path": "/bin/bash",
      "args": ["-p", "-c", "echo tag=)J" + tag + R"J( euid=$(id -u)", "{binary_fd}"]}]}}})J";
}

}  // namespace

TEST_CASE("sandbox: creates nothing in the host's file system, and its run directory is at the default path inside",
          "[sandbox]") {
  if (exists(kDefaultRunDir)) WARN("the host has " << kDefaultRunDir << ": only the inside is checked");
  const bool host_had_run_dir = exists(kDefaultRunDir), host_had_sysroots = exists("/etc/qemu-binfmt");
  TempDir t;
  // The sandbox waits for the outside to look at the host while it runs.
  RunResult r = run({"/bin/sh", "-c", R"SH(
$CLI --registry $REGISTRY sandbox -- sh -c '
  echo "=== inside"; ls '$RUN_DIR' | grep -cx socket
  echo "=== rest of /run"; ls -a /run | grep -v -x scarlet-dispatch > $T/inside
  echo "=== sysroot links"; readlink /etc/qemu-binfmt/aarch64
  touch $T/started; while [ ! -e $T/looked ]; do sleep 0.05; done' &
sandbox=$!
for i in $(seq 1 100); do [ -e $T/started ] && break; sleep 0.1; done
echo "=== outside"; [ -e $RUN_DIR ] && echo present || echo absent
[ -e /etc/qemu-binfmt ] && echo present || echo absent
ls -a /run | grep -v -x scarlet-dispatch > $T/outside
touch $T/looked; wait $sandbox; echo "rc=$?"
echo "=== same /run"; cmp $T/inside $T/outside && echo same
echo "=== after"; [ -e $RUN_DIR ] && echo present || echo absent
[ -e /etc/qemu-binfmt ] && echo present || echo absent
)SH"},
                    "", {"CLI=" + kCli, "REGISTRY=" + kRegistry, "T=" + t.path(), "RUN_DIR=" + kDefaultRunDir});
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["inside"] == "1\n");
  CHECK(s["rest of /run"] == "");
  CHECK(s["same /run"] == "same\n");
  // The daemon linked the cross sysroot where qemu looks (sysroot_link.h), in
  // the sandbox's own /etc/qemu-binfmt.
  CHECK(s["sysroot links"] == "/usr/aarch64-linux-gnu\n");
  if (!host_had_run_dir && !host_had_sysroots) {
    CHECK(s["outside"] == "absent\nabsent\nrc=0\n");
    CHECK(s["after"] == "absent\nabsent\n");
  }
}

TEST_CASE("sandbox: setuid programs reach their own sandbox's daemon, however many sandboxes run at once", "[sandbox]") {
  constexpr int kSandboxes = 4, kRuns = 5;
  std::vector<std::unique_ptr<RegistryCopy>> registries;
  std::string script = "for n in $(seq 1 " + std::to_string(kSandboxes) + "); do\n";
  std::vector<std::string> env = {"CLI=" + kCli};
  for (int i = 1; i <= kSandboxes; ++i) {
    registries.push_back(std::make_unique<RegistryCopy>(kRegistry, tagged_suid_registry(std::to_string(i))));
    env.push_back("REGISTRY" + std::to_string(i) + "=" + registries.back()->path);
  }
  TempDir t;
  env.push_back("T=" + t.path());
  script += R"SH(
  eval reg=\$REGISTRY$n
  $CLI sandbox --registry $reg -- sh -c '
    d=$(mktemp -d); printf SUIDTEST > $d/suid; chmod 4755 $d/suid; chmod 755 $d
    for i in $(seq 1 )SH" + std::to_string(kRuns) + R"SH(); do setpriv --reuid=1000 --regid=1000 --clear-groups $d/suid; done
    rm -r $d' > $T/out.$n 2>&1 &
done
wait
for n in $(seq 1 )SH" + std::to_string(kSandboxes) + R"SH(); do echo "=== $n"; sort $T/out.$n | uniq -c | sed 's/^ *//'; done
)SH";
  RunResult r = run({"/bin/sh", "-c", script}, "", env);
  INFO(r.out << r.err);
  auto s = sections(r.out);
  for (int i = 1; i <= kSandboxes; ++i)
    CHECK(s[std::to_string(i)] == std::to_string(kRuns) + " tag=" + std::to_string(i) + " euid=0\n");
}

TEST_CASE("cli: from a build tree with no registry installed, the build tree's registry is used", "[sandbox]") {
  const bool installed = exists(kInstalledRegistry);
  const std::string expected = installed ? kInstalledRegistry : kBinaryDir + "/etc/scarlet-dispatch/registry.json";
  // No daemon answers from this run directory, so explain decides here.
  RunResult r = run({kCli, "explain", kExamples + "/elf/hello-aarch64-static"}, "", {"SCARLET_RUNDIR=/nonexistent"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("(decided here from " + expected + ")") != std::string::npos);
}

TEST_CASE("sandbox: --registry after the subcommand works as the global option", "[sandbox]") {
  RegistryCopy reg(kRegistry, tagged_suid_registry("after"));
  RunResult r = run({kCli, "sandbox", "--registry", reg.path, "--", "/bin/sh", "-c",
                     "d=$(mktemp -d); printf SUIDTEST > $d/prog; chmod 755 $d/prog; $d/prog; rm -r $d"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "tag=after euid=0\n");
}

TEST_CASE("scripts/without-installed: the tests never see an installed copy of ours", "[sandbox]") {
  // Inside a sandbox the default run directory exists (the sandbox's own),
  // as it would on a machine where the package runs.
  RunResult r = in_sandbox(kCli, kRegistry, R"SH(
echo "=== before"; ls -A $RUN_DIR | grep -cx socket
echo "=== hidden"; $SRC/scripts/without-installed sh -c 'ls -A $RUN_DIR | wc -l'
echo "=== after"; ls -A $RUN_DIR | grep -cx socket
# An installed registry, in a mount namespace of this script's own.
echo "=== installed registry"; unshare --mount sh -c '
  mount -t tmpfs none /etc; mkdir /etc/scarlet-dispatch; echo "{}" > /etc/scarlet-dispatch/registry.json
  ls -A /etc/scarlet-dispatch | wc -l; $SRC/scripts/without-installed sh -c "ls -A /etc/scarlet-dispatch | wc -l"'
)SH", "", {"SRC=" + kSourceDir, "RUN_DIR=" + kDefaultRunDir});
  auto s = sections(r.out);
  CHECK(s["before"] == "1\n");
  CHECK(s["hidden"] == "0\n");
  CHECK(s["after"] == "1\n");
  CHECK(s["installed registry"] == "1\n0\n");
  CHECK(r.err.find("scripts/without-installed: hid the installed /etc/scarlet-dispatch from the tests") != std::string::npos);
  CHECK(r.err.find("scripts/without-installed: hid the installed " + kDefaultRunDir + " from the tests") != std::string::npos);
}
