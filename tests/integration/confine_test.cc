// Confinement for real ("confine" in the registry, src/shim/confine.h): a
// hostile static aarch64 program (hostile/nosy.c) under real qemu-user
// through binfmt_misc in a sandbox tries to read a secret outside its
// paths, write outside, connect to a TCP port on 127.0.0.1 and signal a
// process outside. Under a policy each attempt is denied; the same program
// without one does each, so every check can fail. Both shims apply it: the
// fast path while the daemon answers, the full shim deciding alone after
// the daemon is gone.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "integration/paths.h"
#include "support/registry_copy.h"
#include "support/sandbox.h"
#include "support/temp_dir.h"

using namespace scarlet::test;

namespace {

// A TCP listener on 127.0.0.1 for the program to reach: the kernel completes
// connections into its backlog, so nothing need accept them.
struct Listener {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int port = 0;
  Listener() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 64) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0);
    port = ntohs(addr.sin_port);
  }
  ~Listener() { ::close(fd); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
};

const std::string kPolicy = R"({"version": 1, "formats": {"elf:aarch64": {"confine": {
  "files": {"read": ["{program_dir}"], "write": ["{cwd}"]},
  "network": "none", "scope": ["signal", "abstract-unix-socket"], "syscalls": ["no-admin"]}}}})";

// Each attempt, once while the daemon answers and once after it is gone
// (the shim then decides alone), in sections "<who> <attempt>".
const std::string kScript = R"SH(
daemon_pid() { $CLI status --json | sed -n 's/^  "pid": \([0-9]*\),$/\1/p'; }
mkdir $T/prog $T/work && cp $NOSY $T/prog/nosy && echo mine > $T/prog/data.txt && echo topsecret > $T/secret.txt
chmod -R a+rX $T
cd $T/work
N=$T/prog/nosy
sleep 100 & sleeper=$!
attempts() {
  echo "=== $1 read"; $N read $T/secret.txt; echo rc=$?
  echo "=== $1 write"; $N write $T/outside.txt; echo rc=$?; [ -e $T/outside.txt ] && echo created; rm -f $T/outside.txt
  echo "=== $1 connect"; $N connect $PORT; echo rc=$?
  echo "=== $1 signal"; $N signal $sleeper; echo rc=$?
  sleep 0.3
  state=$(cut -d' ' -f3 /proc/$sleeper/stat 2>/dev/null)
  if [ -n "$state" ] && [ "$state" != Z ]; then echo alive; else echo gone; wait $sleeper; sleep 100 & sleeper=$!; fi
  echo "=== $1 inside"; $N write ./mine.txt; $N read $T/prog/data.txt; echo rc=$?
}
attempts daemon
pid=$(daemon_pid); kill $pid
for i in $(seq 50); do [ -d /proc/$pid ] || break; sleep 0.1; done
attempts alone
kill $sleeper; wait
)SH";

std::string denied(const std::string& action, const std::string& why) { return action + ": denied (" + why + ")\nrc=1\n"; }

}  // namespace

// kScript's sections, run with `drop_in` over the default registry.
std::map<std::string, std::string> nosy_attempts(const std::string& drop_in) {
  Listener listener;
  RegistryCopy registry(kRegistry, drop_in);
  RunResult r = in_sandbox(kCli, registry.path, kScript, "", {"NOSY=" + kNosy, "PORT=" + std::to_string(listener.port)});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return sections(r.out);
}

TEST_CASE("confine: a hostile aarch64 program is denied files, TCP and signals outside its policy", "[confine]") {
  auto s = nosy_attempts(kPolicy);
  for (std::string who : {"daemon", "alone"}) {
    INFO(who);
    CHECK(s[who + " read"] == denied("read", "Permission denied"));
    CHECK(s[who + " write"] == denied("write", "Permission denied"));
    CHECK(s[who + " connect"] == denied("connect", "Permission denied"));
    CHECK(s[who + " signal"] == denied("signal", "Operation not permitted") + "alive\n");
    // What the policy allows still works: its directory read, the current one written.
    CHECK(s[who + " inside"] == "write: ok\nread: ok mine\nrc=0\n");
  }
}

TEST_CASE("confine: without a policy the same hostile program does each of those", "[confine]") {
  auto s = nosy_attempts(through_shim(kRegistry));  // the same shim and daemon, no policy
  for (std::string who : {"daemon", "alone"}) {
    INFO(who);
    CHECK(s[who + " read"] == "read: ok topsecret\nrc=0\n");
    CHECK(s[who + " write"] == "write: ok\nrc=0\ncreated\n");
    CHECK(s[who + " connect"] == "connect: ok\nrc=0\n");
    CHECK(s[who + " signal"] == "signal: ok\nrc=0\ngone\n");
    CHECK(s[who + " inside"] == "write: ok\nread: ok mine\nrc=0\n");
  }
}

TEST_CASE("confine: explain shows the policy and the route goes through the shim", "[confine]") {
  RegistryCopy confined(kRegistry, kPolicy);
  RunResult r = in_sandbox(kCli, confined.path, "$CLI explain --json $NOSY read x", "", {"NOSY=" + kNosy});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["confinement"].size() == 1);
  const auto& c = j["confinement"][0];
  CHECK(c["files"]["read"][0] == "{program_dir}");
  CHECK(c["files"]["write"] == nlohmann::json::array({"{cwd}"}));
  CHECK(c["network"]["connect"].empty());
  CHECK(c["no_new_privs"] == true);
  CHECK(c["not_enforced"].empty());  // Landlock ABI 6 or later on the machines this runs on
  CHECK(j["route"]["kind"] == "shim");
}

// A scratch directory outside /tmp (which DOSBox's launcher may write, so
// its policy grants it): in the build tree, removed with the test.
struct OutsideDir {
  std::string path = kBinaryDir + "/tests/hostile/outside-XXXXXX";
  OutsideDir() { REQUIRE(::mkdtemp(path.data()) != nullptr); }
  ~OutsideDir() { std::filesystem::remove_all(path); }
  OutsideDir(const OutsideDir&) = delete;
  OutsideDir& operator=(const OutsideDir&) = delete;
};

TEST_CASE("confine: DOSBox's default policy keeps a file outside the program's directory unreadable", "[confine]") {
  // SECRET.TXT beside the program is a link to a file outside its
  // directory: DOSBox follows host links, Landlock judges where they lead.
  OutsideDir outside;
  const std::string script = R"SH(
mkdir $T/game && cp $PEEK $T/game/PEEK.COM && chmod +x $T/game/PEEK.COM && echo topsecret > $OUTSIDE/secret.txt
ln -s $OUTSIDE/secret.txt $T/game/SECRET.TXT
chmod -R a+rX $T $OUTSIDE; cd $T/game
echo '=== peek'; ./PEEK.COM; echo rc=$?
)SH";
  const bool confined = GENERATE(true, false);
  INFO((confined ? "the default registry" : "msdos with \"confine\": false"));
  RegistryCopy unconfined(kRegistry, R"({"version": 1, "formats": {"msdos": {"confine": false}}})");
  RunResult r = in_sandbox(kCli, confined ? kRegistry : unconfined.path, script, "", {"PEEK=" + kPeek, "OUTSIDE=" + outside.path});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(sections(r.out)["peek"] == (confined ? "cannot read SECRET.TXT\nrc=1\n" : "topsecret\nrc=0\n"));
}

TEST_CASE("confine: in a chroot, where the runtime is the daemon's open file, the policy holds too", "[confine]") {
  // The root has no qemu: the shim execs the one the daemon sent as an fd,
  // which the policy lets it run; the secret is in the root, outside the
  // program's directory. (chroot(1) starts in "/", so no {cwd} here.)
  const std::string script = R"SH(
R=$T/root; mkdir -p $R/proc $R/dev $R/app && cp $NOSY $R/app/nosy && echo topsecret > $R/secret.txt
mount --rbind --make-rslave /proc $R/proc; ln -s /proc/self/fd $R/dev/fd
echo '=== read'; chroot $R /app/nosy read /secret.txt; echo rc=$?
echo '=== write'; chroot $R /app/nosy write /planted.txt; echo rc=$?
echo '=== own'; chroot $R /app/nosy read /app/nosy | cut -c1-8
umount -l $R/proc
)SH";
  const bool confined = GENERATE(true, false);
  INFO((confined ? "confined" : "unconfined"));
  RegistryCopy reg(kRegistry, confined ? R"({"version": 1, "formats": {"elf:aarch64": {"confine": {
      "files": {"read": ["{program_dir}"]}, "network": "none"}}}})"
                                       : through_shim(kRegistry));
  RunResult r = in_sandbox(kCli, reg.path, script, "", {"NOSY=" + kNosy});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto s = sections(r.out);
  CHECK(s["read"] == (confined ? denied("read", "Permission denied") : "read: ok topsecret\nrc=0\n"));
  CHECK(s["write"] == (confined ? denied("write", "Permission denied") : "write: ok\nrc=0\n"));
  CHECK(s["own"] == "read: ok\n");
}

TEST_CASE("confine: a required policy that cannot be enforced refuses the program (126), and one not required lets it run", "[confine]") {
  // An unprivileged uid without no_new_privs may not restrict itself
  // (Landlock needs one or the other): that stands for a kernel that
  // cannot enforce the policy. The program's directory holds the secret, so
  // only a refusal keeps it from being read.
  const bool required = GENERATE(true, false);
  INFO((required ? "required" : "not required"));
  RegistryCopy reg(kRegistry, R"({"version": 1, "formats": {"elf:aarch64": {"confine": {
      "files": {"read": ["/nowhere"]}, "no_new_privs": false, "required": )" + std::string(required ? "true" : "false") + "}}}}");
  RunResult r = in_sandbox(kCli, reg.path, R"SH(
mkdir $T/prog && cp $NOSY $T/prog/nosy && echo topsecret > $T/prog/secret.txt && chmod -R a+rX $T
cd /
echo '=== as root'; $T/prog/nosy read $T/prog/secret.txt; echo rc=$?
echo '=== unprivileged'; setpriv --reuid 1000 --regid 1000 --clear-groups $T/prog/nosy read $T/prog/secret.txt; echo rc=$?
pid=$($CLI status --json | sed -n 's/^  "pid": \([0-9]*\),$/\1/p'); kill $pid
for i in $(seq 50); do [ -d /proc/$pid ] || break; sleep 0.1; done
echo '=== alone, said'; SCARLET_DEBUG=1 setpriv --reuid 1000 --regid 1000 --clear-groups $T/prog/nosy read $T/prog/secret.txt 2>&1; echo rc=$?
)SH", "", {"NOSY=" + kNosy});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto s = sections(r.out);
  // Root of the sandbox may restrict itself without no_new_privs: confined.
  CHECK(s["as root"] == denied("read", "Permission denied"));
  if (required) {
    CHECK(s["unprivileged"] == "rc=126\n");
    CHECK(r.err.find("/prog/nosy: elf:aarch64 program, but its required confinement cannot be enforced here "
                     "(landlock: Operation not permitted): refused\n") != std::string::npos);
  } else {
    CHECK(s["unprivileged"] == "read: ok topsecret\nrc=0\n");
    // Run as far as it can be, and never silently: the system log hears
    // what was not enforced (stderr too, with SCARLET_DEBUG).
    CHECK(s["alone, said"].find("/prog/nosy: elf:aarch64 program confined, but not enforced here: landlock (Operation not permitted)\n") !=
          std::string::npos);
    CHECK(s["alone, said"].ends_with("\nread: ok topsecret\nrc=0\n"));
  }
}

TEST_CASE("confine: a confined runtime that does not start is refused, never a fallback under its policy", "[confine][fallback]") {
  // The shim has confined itself by then: deciding again would read the
  // registry, and run the next candidate, under the first one's policy.
  TempDir dir;
  ::chmod(dir.path().c_str(), 0755);
  const std::string d = dir.path();
  dir.write("bin/corrupt", "\x7f" "ELF garbage, not a program\n", 0755);
  dir.write("bin/second", "#!/bin/sh\necho second ran\n", 0755);
  RegistryCopy reg(kRegistry, R"({"version": 1, "rules": [{"name": "cf", "magic": "SCARLETC"}],
    "formats": {"rule:cf": {"confine": {"network": "none"},
                            "runtimes": [{"path": ")" + d + R"(/bin/corrupt", "abi": "native"}, {"path": ")" + d + R"(/bin/second"}]}}})");
  RunResult r = in_sandbox(kCli, reg.path, R"SH(
cd $T; printf SCARLETC > prog; chmod +x prog
echo '=== daemon'; ./prog 2>&1; echo "rc=$?"
pid=$($CLI status --json | sed -n 's/^  "pid": \([0-9]*\),$/\1/p'); kill $pid
for i in $(seq 50); do [ -d /proc/$pid ] || break; sleep 0.1; done
echo '=== alone'; ./prog 2>&1; echo "rc=$?"
)SH", "", {"D=" + d});
  auto s = sections(r.out);
  INFO(r.out << r.err);
  CHECK(s["daemon"] == "scarlet: cannot run " + d + "/bin/corrupt (errno 8) under its confinement\nrc=126\n");
  CHECK(s["alone"] == "scarlet: ./prog: cannot run " + d + "/bin/corrupt: Exec format error (under its confinement)\nrc=126\n");
}
