// The security model (DESIGN.md), one named test per threat, in a sandbox
// that maps every host uid (tests run as root), so an ordinary user (uid
// 1000) can run setuid programs there.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "integration/paths.h"
#include "support/registry_copy.h"
#include "support/sandbox.h"
#include "support/user_copy.h"
#include "support/temp_dir.h"

using namespace scarlet::test;

namespace {

const std::vector<std::string> kEnv = {"EXAMPLES=" + kExamples};
const std::string kAsUser = "setpriv --reuid=1000 --regid=1000 --clear-groups ";

// A copy of the build registry with one drop-in, in a directory others can read.
struct Registry : RegistryCopy {
  explicit Registry(const std::string& drop_in = "") : RegistryCopy(kRegistry, drop_in) {}
};

// A rule whose runtime shows the credentials and environment it got.
std::string suid_rule(const std::string& flags, const std::string& binary = "{binary_fd}") {
  return R"({"version": 1, "rules": [{"name": "suidtest", "magic": "SUIDTEST"}],
    "formats": {"rule:suidtest": {"flags": ")" + flags + R"(", "runtimes": [{"path": "/bin/bash",
      "args": ["-p", "-c", "echo euid=$(id -u) ruid=$(id -ru) QEMU_STRACE=$QEMU_STRACE JAVA_TOOL_OPTIONS=$JAVA_TOOL_OPTIONS", ")" +
         binary + R"("]}]}}})";
}

const std::string kSuidProgram = "printf SUIDTEST > $T/suid; chmod 4755 $T/suid; chmod 755 $T\n";

}  // namespace

TEST_CASE("security: a setuid foreign program without C gets no privileges", "[security]") {
  Registry reg(suid_rule("POF"));
  RunResult r = in_sandbox(kCli, reg.path, kSuidProgram + "QEMU_STRACE=1 " + kAsUser + "$T/suid", "", kEnv);
  INFO(r.err);
  CHECK(r.out == "euid=1000 ruid=1000 QEMU_STRACE=1 JAVA_TOOL_OPTIONS=\n");
}

TEST_CASE("security: with C a setuid foreign program runs privileged, and the environment cannot steer its runtime", "[security]") {
  Registry reg(suid_rule("POCF"));
  RunResult r = in_sandbox(kCli, reg.path,
                           kSuidProgram + "QEMU_STRACE=1 JAVA_TOOL_OPTIONS=-Devil SCARLET_RUNDIR=/tmp/evil " + kAsUser + "$T/suid",
                           "", kEnv);
  INFO(r.err);
  CHECK(r.out == "euid=0 ruid=1000 QEMU_STRACE= JAVA_TOOL_OPTIONS=\n");
}

TEST_CASE("security: with C a qemu runtime ignores QEMU_* from the invoking user", "[security]") {
  Registry reg(R"({"version": 1, "formats": {"elf:aarch64": {"flags": "POCF"}}})");
  std::string script = "cp $EXAMPLES/elf/hello-aarch64-static $T/prog; chmod 4755 $T/prog; chmod 755 $T\n"
                       "QEMU_STRACE=1 " + kAsUser + "$T/prog x > $T/out 2>&1; echo \"rc=$?\"\n"
                       "echo '=== traced'; grep -c 'write(' $T/out\n"
                       "echo '=== ran'; grep -c 'hello from elf:aarch64' $T/out\n"
                       "echo '=== entry'; sed -n 's/^interpreter //p' /proc/sys/fs/binfmt_misc/scarlet-elf.aarch64\n";
  RunResult with_c = in_sandbox(kCli, reg.path, script, "", kEnv);
  RunResult without_c = in_sandbox(kCli, kRegistry, script, "", kEnv);
  INFO(with_c.out << with_c.err);
  // The program ran (exit 11 is hello's own) in both cases...
  CHECK(with_c.out.starts_with("rc=11\n"));
  CHECK(without_c.out.starts_with("rc=11\n"));
  CHECK(sections(with_c.out)["ran"] == "1\n");
  CHECK(sections(without_c.out)["ran"] == "1\n");
  // ...and with C there was no syscall trace: QEMU_STRACE was dropped. Without
  // C it is the user's own unprivileged run, which the user may trace.
  CHECK(sections(with_c.out)["traced"] == "0\n");
  CHECK(sections(without_c.out)["traced"] != "0\n");
  // With C the shim is in the way (route.h): a direct qemu would take the
  // user's QEMU_* into a setuid run. Without C the kernel starts qemu itself.
  CHECK(sections(with_c.out)["entry"] == kShim + "\n");
  CHECK(sections(without_c.out)["entry"] == "/usr/libexec/qemu-binfmt/aarch64-binfmt-P\n");
}

TEST_CASE("security: with C a runtime that takes the program by path is refused", "[security]") {
  Registry reg(suid_rule("POCF", "{binary}"));
  RunResult r = in_sandbox(kCli, reg.path, kSuidProgram + kAsUser + "$T/suid; echo rc=$?", "", kEnv);
  CHECK(r.err.find("setuid program, but its runtime takes a path that could be swapped: refused") != std::string::npos);
  CHECK(r.out == "rc=126\n");
}

TEST_CASE("security: relative runtime paths are rejected with the registry", "[security]") {
  Registry reg(R"({"version": 1, "formats": {"jar": {"runtimes": [{"path": "bin/java"}]}}})");
  RunResult r = run({kCli, "check-config", reg.path});
  CHECK(r.exit_code == 1);
  CHECK(r.err == reg.dir.path() + "/registry.d/50-test.json:1:58: a runtime path must be an absolute path, not \"bin/java\"\n");
}

TEST_CASE("security: missing, symlinked, non-root-owned and world-writable runtimes are skipped with the reason", "[security]") {
  TempDir bin;
  ::chmod(bin.path().c_str(), 0755);
  std::string script = "#!/bin/sh\necho ran\n";
  std::string owned = bin.write("owned-by-user", script, 0755);
  REQUIRE(::chown(owned.c_str(), 1000, 1000) == 0);
  bin.write("open", script, 0777);
  bin.write("real", script, 0755);
  REQUIRE(::symlink((bin.path() + "/real").c_str(), (bin.path() + "/link-by-user").c_str()) == 0);
  REQUIRE(::lchown((bin.path() + "/link-by-user").c_str(), 1000, 1000) == 0);
  bin.write("wide/real", script, 0755);
  ::chmod((bin.path() + "/wide").c_str(), 0777);
  REQUIRE(::symlink((bin.path() + "/wide/real").c_str(), (bin.path() + "/link-into-open-dir").c_str()) == 0);
  REQUIRE(::symlink((bin.path() + "/real").c_str(), (bin.path() + "/root-link").c_str()) == 0);
  std::string b = bin.path();
  Registry reg(R"({"version": 1, "rules": [{"name": "t", "magic": "TRUSTME"}], "formats": {"rule:t": {"runtimes": [
    {"path": ")" + b + R"(/missing"}, {"path": ")" + b + R"(/owned-by-user"}, {"path": ")" + b + R"(/open"},
    {"path": ")" + b + R"(/link-by-user"}, {"path": ")" + b + R"(/link-into-open-dir"}, {"path": ")" + b + R"(/root-link"}]}}})");
  TempDir work;
  std::string prog = work.write("prog", "TRUSTME", 0755);
  RunResult r = run({kCli, "--registry", reg.path, "explain", "--json", prog});
  auto j = nlohmann::json::parse(r.out);
  auto skipped = j["chain"][0]["skipped"];
  REQUIRE(skipped.size() == 5);
  CHECK(skipped[0]["reason"] == "not installed");
  CHECK(skipped[1]["reason"] == b + "/owned-by-user is owned by uid 1000, not root");
  CHECK(skipped[2]["reason"] == b + "/open is writable by group or others");
  CHECK(skipped[3]["reason"] == b + "/link-by-user is owned by uid 1000, not root");
  CHECK(skipped[4]["reason"] == b + "/wide is writable by group or others");
  // A root-owned link in root-owned directories (as Debian's alternatives) is
  // followed, and what runs is the checked file it leads to.
  CHECK(j["runtime"] == b + "/root-link");
  CHECK(j["chain"][0]["runtime_file"] == b + "/real");
  CHECK(r.exit_code == 0);
}

TEST_CASE("security: the decision follows the file actually executed, not its path", "[security]") {
  // The shim's connect is delayed 0.8 s under strace; meanwhile the path is
  // swapped to a riscv64 program. The aarch64 file the kernel opened still runs.
  RunResult r = in_sandbox(kCli, kRegistry, R"SH(
cp $EXAMPLES/elf/hello-aarch64-static $T/prog
cp $EXAMPLES/elf/hello-riscv64-static $T/other
(sleep 0.3; mv $T/other $T/prog) &
strace -f -qq -o /dev/null -e trace=connect -e inject=connect:delay_enter=800000 $T/prog x
wait
echo "now: $($T/prog y | head -n 1)"
)SH", "", kEnv);
  INFO(r.err);
  CHECK(r.out.starts_with("hello from elf:aarch64\nargv0="));
  CHECK(r.out.ends_with("/prog\narg1=[x]\nnow: hello from elf:riscv64\n"));
}

TEST_CASE("security: an execute-only program is not exposed through its runtime", "[security]") {
  const std::string script = "cp $EXAMPLES/elf/hello-aarch64-static $T/secret; chmod 0711 $T/secret; chmod 755 $T\n" +
                             kAsUser + "$T/secret; echo rc=$?";
  // Through the shim: refused, saying why.
  RegistryCopy shim(kRegistry, through_shim(kRegistry));
  RunResult r = in_sandbox(kCli, shim.path, script, "", kEnv);
  CHECK(r.out == "rc=126\n");
  CHECK(r.err.ends_with("/secret: is executable but not readable; a runtime would expose it, so it is not run\n"));
  // By the kernel route (no O flag), qemu opens the program as the user,
  // which the kernel refuses: it does not run either (qemu exits 1 and, as
  // with the stock entries, says nothing).
  RunResult direct = in_sandbox(kCli, kRegistry, script, "", kEnv);
  INFO(direct.err);
  CHECK(direct.out == "rc=1\n");
}

TEST_CASE("security: admin verbs are refused to other users, decisions are not", "[security]") {
  UserCopy copy(kBinaryDir);
  RunResult r = in_sandbox(copy.cli(), copy.registry(), R"SH(
echo '=== status'; setpriv --reuid=1000 --regid=1000 --clear-groups $CLI status; echo rc=$?
echo '=== reload'; setpriv --reuid=1000 --regid=1000 --clear-groups $CLI reload; echo rc=$?
echo '=== explain'; setpriv --reuid=1000 --regid=1000 --clear-groups $CLI explain $EXAMPLES/java/hello.jar | tail -n 1
echo '=== exec'; setpriv --reuid=1000 --regid=1000 --clear-groups $EXAMPLES/elf/hello-s390x-static | head -n 1
echo '=== counted'; $CLI status --json | grep -c '"admin_denied": 2'
)SH", "", {"EXAMPLES=" + copy.examples()});
  auto s = sections(r.out);
  CHECK(s["status"] == "rc=126\n");
  CHECK(s["reload"] == "rc=126\n");
  CHECK(r.err.find("scarlet-dispatch: permission denied: only root may do that") != std::string::npos);
  CHECK(s["explain"].starts_with("(the daemon at "));
  CHECK(s["exec"] == "hello from elf:s390x\n");
  CHECK(s["counted"] == "1\n");
}

TEST_CASE("security: entries that would match native programs, the shim or a runtime are refused", "[security]") {
  // Native programs: refused with the registry.
  Registry native(R"({"version": 1, "rules": [{"name": "grabby", "magic": "\\x7fELF\\x02\\x01\\x01"}], "formats": {}})");
  RunResult r = run({kCli, "check-config", native.path});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("this magic would match native executables (x86_64 ELF executable)") != std::string::npos);

  // The shim and a runtime: bytes of their own, past the ELF header, that no
  // other program checked has at the same place, make the daemon refuse
  // just those entries and register the rest.
  auto unique_window = [](const std::string& file) {
    std::string mine = read_file(file).substr(0, 256);
    std::vector<std::string> others;
    for (const char* o : {"/bin/sh", "/usr/bin/env", "/bin/bash", "/bin/true"})
      if (o != file) others.push_back(read_file(o).substr(0, 256));
    others.push_back(read_file(kCli).substr(0, 256));
    for (std::size_t off = 64; off + 16 <= 256; ++off) {
      bool unique = std::all_of(others.begin(), others.end(),
                                [&](const std::string& other) { return other.substr(off, 16) != mine.substr(off, 16); });
      if (unique) return std::pair(off, mine.substr(off, 16));
    }
    FAIL("no unique window in " << file);
    return std::pair(std::size_t{0}, std::string());
  };
  auto [shim_at, shim] = unique_window(kBinaryDir + "/bin/scarlet-shim");
  auto [bash_at, sh] = unique_window("/bin/bash");
  auto hex = [](const std::string& bytes) {
    std::string out;
    char buf[8];
    for (unsigned char c : bytes) std::snprintf(buf, sizeof buf, "\\\\x%02x", c), out += buf;
    return out;
  };
  Registry reg(R"({"version": 1, "rules": [
      {"name": "like-shim", "magic": ")" + hex(shim) + R"(", "offset": )" + std::to_string(shim_at) + R"(},
      {"name": "like-bash", "magic": ")" + hex(sh) + R"(", "offset": )" + std::to_string(bash_at) + R"(}],
    "formats": {"rule:like-shim": {"runtimes": []}, "rule:like-bash": {"runtimes": [{"path": "/bin/bash"}]}}})");
  RunResult s = in_sandbox(kCli, reg.path, "$CLI status --json", "", kEnv);
  INFO(s.err);
  auto j = nlohmann::json::parse(s.out);
  INFO(j["refused_entries"].dump());
  REQUIRE(j["refused_entries"].size() == 2);
  CHECK(j["refused_entries"][0]["name"] == "scarlet-rule.like-bash");
  CHECK(j["refused_entries"][0]["reason"] == "its magic matches the runtime /bin/bash");
  CHECK(j["refused_entries"][1]["name"] == "scarlet-rule.like-shim");
  CHECK(j["refused_entries"][1]["reason"] == "its magic matches the shim " + kBinaryDir + "/bin/scarlet-shim");
  CHECK(j["entries"].size() > 30);
}

TEST_CASE("security: loops are refused, not followed", "[security]") {
  TempDir bin;
  ::chmod(bin.path().c_str(), 0755);
  bin.write("rt.loopy", "#!/bin/sh\necho should not run\n", 0755);
  bin.write("selfish-rt", "SELFISH runtime", 0755);
  Registry reg(R"({"version": 1, "rules": [{"name": "loopy", "extension": "loopy"}, {"name": "selfish", "magic": "SELFISH"}],
    "formats": {"rule:loopy": {"runtimes": [{"path": ")" + bin.path() + R"(/rt.loopy", "abi": "native"}]},
                "rule:selfish": {"runtimes": [{"path": ")" + bin.path() + R"(/selfish-rt"}]}}})");
  RunResult r = in_sandbox(kCli, reg.path, R"SH(
cd $T; printf x > p.loopy; printf SELFISH > s; chmod +x p.loopy s
echo '=== exec loop'; ./p.loopy; echo rc=$?
echo '=== chain loop'; $CLI explain s >/dev/null; echo rc=$?
echo '=== entry'; $CLI status --json | grep -c 'its magic matches the runtime )SH" + bin.path() + R"SH(/selfish-rt'
)SH", "", kEnv);
  auto s = sections(r.out);
  // A runtime sent back to the shim by its own entry (the extension matches it):
  CHECK(s["exec loop"] == "rc=126\n");
  CHECK(r.err.find("rt.loopy: loop: this runtime was sent back to scarlet-shim") != std::string::npos);
  // A runtime that is itself of the format it serves: the dispatcher refuses
  // the chain, and the daemon does not even register an entry that matches it.
  CHECK(s["chain loop"] == "rc=126\n");
  CHECK(r.err.find("selfish-rt: loop: it is itself a rule:selfish program") != std::string::npos);
  CHECK(s["entry"] == "1\n");
}

TEST_CASE("security: clients in other user and pid namespaces are served or refused clearly", "[security]") {
  // An ordinary user's sandbox maps only that user: root on the host,
  // talking to its daemon, is the overflow uid there.
  TempDir t;
  ::chmod(t.path().c_str(), 0777);
  UserCopy copy(kBinaryDir);
  RunResult overflow = run({"/bin/sh", "-c", R"SH(
setpriv --reuid=1000 --regid=1000 --clear-groups $CLI --registry $REGISTRY sandbox -- \
  sh -c 'echo $SCARLET_RUNDIR > $T/rundir; while [ ! -e $T/done ]; do sleep 0.1; done' &
sandbox=$!
for i in $(seq 1 100); do [ -s $T/rundir ] && break; sleep 0.1; done
export SCARLET_RUNDIR=$(cat $T/rundir)
echo '=== status'; $CLI status 2>&1; echo rc=$?
echo '=== explain'; $CLI explain $EXAMPLES/java/hello.jar | tail -n 1 | cut -c1-15
touch $T/done; wait $sandbox
)SH"}, "", {"CLI=" + copy.cli(), "REGISTRY=" + copy.registry(), "EXAMPLES=" + copy.examples(), "T=" + t.path()});
  auto s = sections(overflow.out);
  CHECK(s["status"] == "scarlet-dispatch: permission denied: only root may do that\nrc=126\n");
  CHECK(s["explain"] == "(the daemon at \n");

  // A daemon in its own pid namespace sees a client outside it as pid 0.
  RunResult pid0 = in_sandbox(kCli, kRegistry, R"SH(
mkdir $T/inner
unshare --pid --fork --kill-child $CLI --registry $REGISTRY --run-dir $T/inner daemon --no-binfmt 2>$T/inner.log &
inner=$!
for i in $(seq 1 50); do [ -S $T/inner/socket ] && break; sleep 0.1; done
echo '=== explain'; SCARLET_RUNDIR=$T/inner $CLI explain --json $EXAMPLES/java/hello.jar | grep -c '"decided_by": "the daemon at'
echo '=== status'; SCARLET_RUNDIR=$T/inner $CLI status --json | grep -c '"explains": 1'
kill -KILL $inner; wait $inner  # unshare --fork blocks SIGTERM; --kill-child takes the daemon along
)SH", "", {"EXAMPLES=" + kExamples, "REGISTRY=" + kRegistry});
  INFO(pid0.err);
  auto p = sections(pid0.out);
  CHECK(p["explain"] == "1\n");
  CHECK(p["status"] == "1\n");
}

TEST_CASE("security: another user's SCARLET_RUNDIR steers none of root's foreign execs (review finding 3)", "[security]") {
  // An attacker (uid 1000) runs a daemon of its own, whose registry runs its
  // command, and root's environment names its directory (sudo -E, su
  // without -). Neither its socket nor, once it is gone, its snapshot may
  // decide for root; the attacker's own execs may still use it.
  UserCopy copy(kBinaryDir);
  RegistryCopy reg(copy.registry(), R"({"version": 1, "rules": [{"name": "probe", "magic": "PROBEME"}],
    "formats": {"rule:probe": {"runtimes": [{"path": "/bin/echo", "args": ["genuine"]}]}}})");
  RunResult r = in_sandbox(copy.cli(), reg.path, R"SH(
E=$T/evil; mkdir $E; chown 1000:1000 $E
printf PROBEME > $T/prog; chmod 755 $T/prog
setpriv --reuid=1000 --regid=1000 --clear-groups sh -c "cat > $E/registry.json" <<'JSON'
{"version": 1, "rules": [{"name": "probe", "magic": "PROBEME"}],
 "formats": {"rule:probe": {"runtimes": [{"path": "/bin/sh", "args": ["-c", "echo pwned"]}]}}}
JSON
setpriv --reuid=1000 --regid=1000 --clear-groups $CLI --registry $E/registry.json --run-dir $E daemon --no-binfmt 2>$E/log & d=$!
for i in $(seq 1 50); do [ -S $E/socket ] && break; sleep 0.1; done
echo "=== socket"; SCARLET_RUNDIR=$E $T/prog
echo "=== own"; SCARLET_RUNDIR=$E setpriv --reuid=1000 --regid=1000 --clear-groups $T/prog
kill $d; wait $d
echo "=== snapshot"; [ -e $E/registry.snapshot.json ] && SCARLET_RUNDIR=$E $T/prog
)SH", "", {});
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["socket"] == "genuine\n");
  CHECK(s["own"] == "pwned\n");  // its own registry, for its own exec
  CHECK(s["snapshot"] == "genuine\n");
}
