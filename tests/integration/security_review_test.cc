// Issue 11, the security review: a regression test for each finding the
// unit tests cannot show alone, with real shims, daemons and runtimes in a
// sandbox. Named "security: …" with the finding.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "integration/paths.h"
#include "support/builders.h"
#include "support/registry_copy.h"
#include "support/sandbox.h"
#include "support/temp_dir.h"

using namespace scarlet::test;

namespace {

const std::vector<std::string> kEnv = {"EXAMPLES=" + kExamples};

}  // namespace

TEST_CASE("security: configured limits never raise the user's soft limits, in either shim (issue 11, finding 7)", "[security]") {
  // The fast path serves an entry with O (it has the kernel's fd); without
  // O the full shim does.
  RegistryCopy reg(kRegistry, R"J({"version": 1, "rules": [{"name": "limfast", "magic": "LIMFAST"}, {"name": "limfull", "magic": "LIMFULL"}],
    "formats": {
      "rule:limfast": {"flags": "POF", "limits": {"cpu": 3600, "core": "unlimited"},
        "runtimes": [{"path": "/bin/sh", "args": ["-c", "echo cpu=$(ulimit -St)/$(ulimit -Ht) core=$(ulimit -Sc)", "{binary}"]}]},
      "rule:limfull": {"flags": "PF", "limits": {"cpu": 3600, "core": "unlimited"},
        "runtimes": [{"path": "/bin/sh", "args": ["-c", "echo cpu=$(ulimit -St)/$(ulimit -Ht) core=$(ulimit -Sc)", "{binary}"]}]}}})J");
  RunResult r = in_sandbox(kCli, reg.path, R"SH(
printf LIMFAST > $T/fast; printf LIMFULL > $T/full; chmod 755 $T/fast $T/full
echo '=== fast'; (ulimit -St 5; ulimit -Sc 0; $T/fast)
echo '=== full'; (ulimit -St 5; ulimit -Sc 0; $T/full)
echo '=== unset'; $T/fast
)SH", "", kEnv);
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["fast"] == "cpu=5/3600 core=0\n");
  CHECK(s["full"] == "cpu=5/3600 core=0\n");
  CHECK(s["unset"].starts_with("cpu=3600/3600 "));  // limits still tighten what is above them
}

TEST_CASE("security: a *.com script naming itself as its interpreter is a loop, refused like the kernel's ELOOP (issue 11, finding 7)", "[security]") {
  RunResult r = in_sandbox(kCli, kRegistry, R"SH(
printf '#!%s/self.com\necho never\n' "$T" > $T/self.com; chmod 755 $T/self.com
echo '=== self'; timeout 20 $T/self.com; echo rc=$?
printf '#!/bin/sh\necho "nested [$1]"\n' > $T/inner.com; printf '#!%s/inner.com\n' "$T" > $T/outer.com; chmod 755 $T/inner.com $T/outer.com
echo '=== nested'; $T/outer.com; echo rc=$?
)SH", "", kEnv);
  auto s = sections(r.out);
  CHECK(s["self"] == "rc=126\n");
  CHECK(r.err.find("/self.com: loop: more than 5 levels of #! interpreters (the kernel gives ELOOP)\n") != std::string::npos);
  // Scripts as interpreters of scripts still run, as the kernel allows.
  CHECK(s["nested"].starts_with("nested ["));
  CHECK(s["nested"].ends_with("/outer.com]\nrc=0\n"));
}

TEST_CASE("security: terminal escapes in a class name reach no terminal, from the shim or explain (issue 11, finding 7)", "[security]") {
  TempDir classes;
  ::chmod(classes.path().c_str(), 0755);
  ClassSpec evil;
  evil.name = "\x1b]0;owned\x07\x1b[2JEvil";
  evil.main = false;
  classes.write("Evil.class", build_class(evil), 0755);
  RunResult r = in_sandbox(kCli, kRegistry, "$CLASSES/Evil.class; echo rc=$?\n$CLI explain $CLASSES/Evil.class >/dev/null",
                           "", {"CLASSES=" + classes.path()});
  CHECK(r.out == "rc=126\n");
  const std::string said = "Java class \\x1b]0;owned\\x07\\x1b[2JEvil has no main method, so it cannot be run\n";
  CHECK(r.err == "scarlet: " + classes.path() + "/Evil.class: " + said + "scarlet: " + classes.path() + "/Evil.class: " + said);
  CHECK(r.err.find('\x1b') == std::string::npos);
}

TEST_CASE("security: a WebAssembly program sees the current directory and no environment, nothing outside (issue 11, finding 9)", "[security]") {
  // Whichever WASI runtime the registry finds first here (Node's on Debian 12).
  RunResult r = in_sandbox(kCli, kRegistry, R"SH(
mkdir $T/inside $T/outside; echo x > $T/inside/here.txt; echo secret > $T/outside/secret.txt
cd $T/inside
echo '=== sees'; FOO=bar $EXAMPLES/wasm/sees.wasm here.txt ../outside/secret.txt outside/secret.txt passwd hostname; echo rc=$?
)SH", "", kEnv);
  INFO(r.err);
  CHECK(sections(r.out)["sees"] ==
        "env=0\npreopen=.\n"
        "open here.txt: yes\nopen ../outside/secret.txt: no\nopen outside/secret.txt: no\nopen passwd: no\nopen hostname: no\n"
        "rc=0\n");
}

TEST_CASE("security: a setuid #! script reached through an entry with C is refused, not run as root (issue 11, finding 1)", "[security]") {
  // C on msdos's *.com extension entry: any setuid-root script named x.com
  // (or reached through a symlink of that name) came to the shim secure.
  RegistryCopy reg(kRegistry, R"({"version": 1, "formats": {"msdos": {"flags": "POCF"}}})");
  RunResult r = in_sandbox(kCli, reg.path, R"SH(
printf '#!/bin/bash -p\necho "ran as euid $(id -u)"\n' > $T/x.com; chmod 4755 $T/x.com; chmod 755 $T
echo '=== setuid'; PYTHONPATH=/tmp/evil setpriv --reuid=1000 --regid=1000 --clear-groups $T/x.com; echo rc=$?
chmod 0755 $T/x.com
echo '=== plain'; setpriv --reuid=1000 --regid=1000 --clear-groups $T/x.com; echo rc=$?
)SH", "", kEnv);
  auto s = sections(r.out);
  CHECK(s["setuid"] == "rc=126\n");
  CHECK(r.err.find("/x.com: setuid #! script: Linux runs no script setuid, and neither does scarlet-shim\n") != std::string::npos);
  CHECK(s["plain"] == "ran as euid 1000\nrc=0\n");  // without setuid the script runs, as the caller
}

TEST_CASE("security: C on one format's entry does not make another format's program setuid (issue 11, finding 2)", "[security]") {
  // C only on msdos: a setuid aarch64 program reached through a symlink
  // named x.com comes through msdos's extension entry, secure.
  RegistryCopy reg(kRegistry, R"({"version": 1, "formats": {"msdos": {"flags": "POCF"}}})");
  std::string script = "cp $EXAMPLES/elf/hello-aarch64-static $T/prog; chmod 4755 $T/prog; chmod 755 $T; ln -s $T/prog $T/x.com\n"
                       "echo '=== via com'; setpriv --reuid=1000 --regid=1000 --clear-groups $T/x.com a >/dev/null; echo rc=$?\n";
  RunResult r = in_sandbox(kCli, reg.path, script, "", kEnv);
  CHECK(sections(r.out)["via com"] == "rc=126\n");
  CHECK(r.err.find("/x.com: setuid elf:aarch64 program, but that format's flags do not ask for C: refused\n") != std::string::npos);
  // With C on elf:aarch64 itself, the same exec runs (hello exits 10 + arguments).
  RegistryCopy both(kRegistry, R"({"version": 1, "formats": {"msdos": {"flags": "POCF"}, "elf:aarch64": {"flags": "POCF"}}})");
  RunResult ok = in_sandbox(kCli, both.path, script, "", kEnv);
  INFO(ok.err);
  CHECK(sections(ok.out)["via com"] == "rc=11\n");
}
