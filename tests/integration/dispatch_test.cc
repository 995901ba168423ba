// Foreign programs run for real: a sandbox (private binfmt_misc + its own
// daemon), the static shim, and the real runtimes (qemu-user-static, DOSBox,
// Node's WASI, Java) on programs compiled in the build.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "integration/paths.h"
#include "support/registry_copy.h"
#include "support/sandbox.h"
#include "support/temp_dir.h"

using namespace scarlet::test;

namespace {

const std::vector<std::string> kEnv = {"EXAMPLES=" + kExamples};
const std::string kUtf8 = "\xc3\xa9t\xc3\xa9";  // "été"
// Not UTF-8: a lone lead byte, a byte no UTF-8 has, a lone continuation byte.
// The scripts make it with printf, so they stay ASCII.
const std::string kRaw = "\xff\xfe\x80";
const std::string kMakeRaw = "raw=$(printf '\\377\\376\\200')\n";

// src/CMakeLists.txt links the shim static except with the sanitizers (and
// those are on for the tests too when they are on for the shim).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitizedBuild = true;
#elif defined(__has_feature)
constexpr bool kSanitizedBuild = __has_feature(address_sanitizer);
#else
constexpr bool kSanitizedBuild = false;
#endif

RunResult sandboxed(const std::string& script, const std::string& input = "") {
  return in_sandbox(kCli, kRegistry, script, input, kEnv);
}

// What every example prints for arguments "-" "a b" "été" and two stdin lines.
std::string expected(const std::string& format, const std::string& argv0) {
  std::string out = "hello from " + format + "\n";
  if (!argv0.empty()) out += "argv0=" + argv0 + "\n";
  return out + "arg1=[-]\narg2=[a b]\narg3=[" + kUtf8 + "]\nline one\nline two\n";
}

}  // namespace

TEST_CASE("dispatch: ELF programs of six architectures run under qemu, static and dynamic", "[dispatch]") {
  // By default the kernel starts qemu itself (route.h); through the shim,
  // the daemon decides each exec. Both must give the same.
  const bool by_kernel = GENERATE(true, false);
  RegistryCopy shim(kRegistry, through_shim(kRegistry));
  const std::string registry = by_kernel ? kRegistry : shim.path;
  const char* arches[] = {"aarch64", "arm", "riscv64", "s390x", "ppc64le", "mips64el"};
  std::string script = kMakeRaw;
  for (std::string a : arches)
    for (std::string link : {"static", "dynamic"}) {
      std::string prog = "$EXAMPLES/elf/hello-" + a + "-" + link;
      script += "echo '=== " + a + "-" + link + "'; printf 'line one\\nline two\\n' | " + prog + " - 'a b' '" + kUtf8 +
                "'; echo \"rc=$?\"\n";
      // argv[0] set by the caller, and an argument that is not UTF-8.
      script += "echo '=== " + a + "-" + link + " exec -a'; bash -c 'exec -a custom-argv0 \"$0\" \"$1\"' " + prog +
                " \"$raw\"; echo \"rc=$?\"\n";
    }
  script += "echo '=== status'; $CLI status --json\n";
  INFO((by_kernel ? "kernel route" : "through the shim"));
  RunResult r = in_sandbox(kCli, registry, script, "", kEnv);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto s = sections(r.out);
  for (std::string a : arches)
    for (std::string link : {"static", "dynamic"}) {
      INFO(a << " " << link);
      CHECK(s[a + "-" + link] == expected("elf:" + a, kExamples + "/elf/hello-" + a + "-" + link) + "rc=13\n");
      // Without the P flag's argv[0] the program would see its path here.
      CHECK(s[a + "-" + link + " exec -a"] == "hello from elf:" + a + "\nargv0=custom-argv0\narg1=[" + kRaw + "]\nrc=11\n");
    }
  // Through the shim the daemon, not the shim's fallback, made these
  // decisions; by the kernel route nothing of ours ran.
  auto status = nlohmann::json::parse(s["status"]);
  if (by_kernel) CHECK(status["counters"]["decisions"].get<int>() == 0);
  else CHECK(status["counters"]["decisions"].get<int>() >= 24);
}

TEST_CASE("dispatch: argv[0] is preserved, as a multi-call program needs", "[dispatch][debian]") {
  std::string busybox = kSamplesDir + "/arm64/busybox-static/bin/busybox";
  RunResult r = sandboxed("echo '=== hello'; bash -c 'exec -a custom-name \"$EXAMPLES/elf/hello-arm-static\"'; echo \"rc=$?\"\n"
                          "echo '=== applet'; ln -s " + busybox + " $T/echo && $T/echo multi call; echo \"rc=$?\"\n"
                          "echo '=== exec-a'; bash -c 'exec -a basename " + busybox + " /usr/lib/x.so'; echo \"rc=$?\"\n",
                          "");
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["hello"] == "hello from elf:arm\nargv0=custom-name\nrc=10\n");
  CHECK(s["applet"] == "multi call\nrc=0\n");
  CHECK(s["exec-a"] == "x.so\nrc=0\n");
}

TEST_CASE("dispatch: MS-DOS programs run headless under DOSBox", "[dispatch]") {
  RunResult r = sandboxed(
      "for p in HELLO.COM HELLOEXE.EXE; do echo \"=== $p\"; printf 'line one\\nline two\\n' | $EXAMPLES/msdos/$p - 'a b' " +
      kUtf8 + "; echo \"rc=$?\"; done\n");
  INFO(r.err);
  auto s = sections(r.out);
  // DOS splits its command tail at spaces: "a b" arrives as two words.
  std::string dos = "hello from msdos\narg1=[-]\narg2=[a]\narg3=[b]\narg4=[" + kUtf8 + "]\nline one\nline two\nrc=14\n";
  CHECK(s["HELLO.COM"] == dos);
  CHECK(s["HELLOEXE.EXE"] == dos);
}

TEST_CASE("dispatch: a WASI module runs under the WASI runtime", "[dispatch]") {
  RunResult r = sandboxed("cd $EXAMPLES/wasm\n"
                          "echo '=== run'; printf 'line one\\nline two\\n' | ./hello.wasm - 'a b' " + kUtf8 +
                          "; echo \"rc=$?\"\n"
                          "echo '=== exec -a'; bash -c 'exec -a custom-argv0 ./hello.wasm x'; echo \"rc=$?\"\n");
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["run"] == expected("wasm", "./hello.wasm") + "rc=13\n");
  // The launcher hands the module the argv[0] the caller chose. (An argument
  // that is not UTF-8 cannot arrive intact: Node decodes its command line as
  // UTF-8 and WASI gets each bad byte as U+FFFD.)
  CHECK(s["exec -a"] == "hello from wasm\nargv0=custom-argv0\narg1=[x]\nrc=11\n");
}

TEST_CASE("dispatch: a class in its package tree and a runnable jar run under Java", "[dispatch]") {
  RunResult r = sandboxed(
      "echo '=== class'; printf 'line one\\nline two\\n' | $EXAMPLES/java/classes/com/example/Hello.class - 'a b' " + kUtf8 +
      "; echo \"rc=$?\"\n"
      "echo '=== jar'; cd $EXAMPLES/java && printf 'line one\\nline two\\n' | ./hello.jar - 'a b' " + kUtf8 +
      "; echo \"rc=$?\"\n" + kMakeRaw +
      "echo '=== class raw'; $EXAMPLES/java/classes/com/example/Hello.class \"$raw\"; echo \"rc=$?\"\n"
      "echo '=== jar raw'; ./hello.jar \"$raw\"; echo \"rc=$?\"\n");
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["class"] == expected("java-class", "") + "rc=13\n");
  CHECK(s["jar"] == expected("jar", "") + "rc=13\n");
  // Bytes that are not UTF-8 reach java intact (the sample prints them from
  // /proc/self/cmdline, since Java's String[] args hold them decoded).
  CHECK(s["class raw"] == "hello from java-class\narg1=[" + kRaw + "]\nrc=11\n");
  CHECK(s["jar raw"] == "hello from jar\narg1=[" + kRaw + "]\nrc=11\n");
}

TEST_CASE("dispatch: without the P and O flags the shim still runs the program", "[dispatch]") {
  TempDir dir;
  std::string reg = dir.write("registry.json", read_file(kRegistry));
  dir.write("registry.d/50-flags.json", R"({"version": 1, "formats": {"elf:riscv64": {"flags": "F",
    "binfmt": {"magic": "\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xf3\\x00",
               "mask": "\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff"},
    "runtimes": [{"path": "/usr/bin/qemu-riscv64-static", "args": ["-0", "{argv0}", "{binary_fd}", "{args}"]}]}}})");
  RunResult r = in_sandbox(kCli, reg,
                           "cat /proc/sys/fs/binfmt_misc/scarlet-elf.riscv64 | grep flags; "
                           "bash -c 'exec -a lost $EXAMPLES/elf/hello-riscv64-static x'; echo \"rc=$?\"",
                           "", kEnv);
  INFO(r.err);
  // Without P the kernel drops argv[0]: the program sees its path instead.
  CHECK(r.out == "flags: F\nhello from elf:riscv64\nargv0=" + kExamples + "/elf/hello-riscv64-static\narg1=[x]\nrc=11\n");
}

TEST_CASE("dispatch: refusals are one line with the shell's exit codes", "[dispatch]") {
  TempDir dir;
  std::string reg = dir.write("registry.json", read_file(kRegistry));
  dir.write("bin/java-copy", "#!/bin/sh\nexec /usr/bin/java \"$@\"\n", 0777);  // anyone could replace it
  dir.write("bin/rt.loopy", "#!/bin/sh\necho should not run\n", 0755);
  // pe:x86_64's runtimes are absent whether or not Wine is installed here.
  dir.write("registry.d/50-tests.json", R"({"version": 1,
    "rules": [{"name": "loopy", "extension": "loopy"}, {"name": "selfish", "magic": "SELFISH"}],
    "formats": {"jar": {"runtimes": [{"path": ")" + dir.path() + R"(/bin/java-copy", "args": ["-jar", "{binary}"]}]},
                "rule:loopy": {"runtimes": [{"path": ")" + dir.path() + R"(/bin/rt.loopy", "abi": "native"}]},
                "rule:selfish": {"runtimes": [{"path": ")" + dir.path() + R"(/bin/selfish-rt"}]},
                "pe:x86_64": {"runtimes": [{"path": ")" + dir.path() + R"(/absent/wine64"}, {"path": "/nonexistent/scarlet-test/wine"}]},
                "elf:aarch64": {"direct": false}}})");
  dir.write("bin/selfish-rt", "SELFISH runtime", 0755);  // a runtime of its own format
  std::string script =
      "exec 2>&1; cd $T\n"
      "echo '=== missing'; $EXAMPLES/pe/hello64.exe; echo \"rc=$?\"\n"
      "echo '=== untrusted'; $EXAMPLES/java/hello.jar; echo \"rc=$?\"\n"
      "echo '=== loop'; printf 'x' > prog.loopy; chmod +x prog.loopy; ./prog.loopy; echo \"rc=$?\"\n"
      "echo '=== chain loop'; printf 'SELFISH' > selfish; chmod +x selfish; $CLI explain ./selfish >/dev/null; echo \"rc=$?\"\n"
      "echo '=== truncated'; head -c 40 $EXAMPLES/elf/hello-aarch64-static > cut; chmod +x cut; ./cut; echo \"rc=$?\"\n"
      "echo '=== no main'; $EXAMPLES/java/nomain.jar; echo \"rc=$?\"\n";
  RunResult r = in_sandbox(kCli, reg, script, "", kEnv);
  auto s = sections(r.out);
  CHECK(s["missing"] == "scarlet: " + kExamples + "/pe/hello64.exe: pe:x86_64 program, but no runtime is installed (tried wine64, wine); install wine64\nrc=127\n");
  CHECK(s["untrusted"] == "scarlet: " + kExamples + "/java/hello.jar: jar program, but no runtime may be used (" + dir.path() +
                              "/bin/java-copy: " + dir.path() + "/bin/java-copy is writable by group or others)\nrc=126\n");
  CHECK(s["loop"] == "scarlet: " + dir.path() + "/bin/rt.loopy: loop: this runtime was sent back to scarlet-shim by a binfmt_misc entry that matches it\nrc=126\n");
  CHECK(s["chain loop"] == "scarlet: ./selfish: rule:selfish program, but no runtime may be used (" + dir.path() +
                               "/bin/selfish-rt: loop: it is itself a rule:selfish program)\nrc=126\n");
  CHECK(s["truncated"] == "scarlet: ./cut: truncated ELF header\nrc=126\n");
  CHECK(s["no main"] == "scarlet: " + kExamples + "/java/nomain.jar: jar has no Main-Class in its manifest, so java -jar cannot run it\nrc=126\n");
}

TEST_CASE("dispatch: the host's own table is never touched and nothing is left running", "[dispatch]") {
  RunResult r = sandboxed("ls /proc/sys/fs/binfmt_misc | grep -c '^scarlet-'; $CLI status --json");
  auto newline = r.out.find('\n');
  CHECK(std::stoi(r.out.substr(0, newline)) > 30);
  auto daemon_pid = nlohmann::json::parse(r.out.substr(newline + 1))["pid"].get<int>();
  CHECK(::access(("/proc/" + std::to_string(daemon_pid)).c_str(), F_OK) != 0);  // the sandbox stopped its daemon
  RunResult host = run({"/bin/sh", "-c", "ls /proc/sys/fs/binfmt_misc 2>/dev/null | grep -c '^scarlet-'"});
  CHECK(host.out == "0\n");
}

TEST_CASE("dispatch: resource limits apply when the daemon decides and when the shim decides alone", "[dispatch]") {
  TempDir dir;
  std::string reg = dir.write("registry.json", read_file(kRegistry));
  // The runtime is a shell that reports its own limits: the format sets two,
  // the candidate overrides one of them.
  dir.write("registry.d/50-limits.json", R"({"version": 1, "rules": [{"name": "limits", "magic": "SCARLETL"}],
    "formats": {"rule:limits": {"limits": {"nofile": 100, "as": "512M"},
      "runtimes": [{"path": "/bin/sh", "limits": {"nofile": 77},
                    "args": ["-c", "echo nofile=$(ulimit -Sn)/$(ulimit -Hn) as=$(ulimit -Sv)/$(ulimit -Hv) args=$*", "limits", "{args}"]}]}}})");
  RunResult r = in_sandbox(kCli, reg, R"SH(
printf 'SCARLETL' > $T/prog; chmod +x $T/prog
echo "=== before"; echo "nofile=$(ulimit -Sn)/$(ulimit -Hn) as=$(ulimit -Sv)/$(ulimit -Hv)"
echo "=== daemon"; $T/prog a 'b c'; echo "rc=$?"
$CLI status --json > $T/status
pid=$(sed -n 's/^  "pid": \([0-9]*\),$/\1/p' $T/status)
kill -KILL $pid
for i in $(seq 1 50); do s=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' /proc/$pid/status 2>/dev/null); [ -z "$s" ] || [ "$s" = Z ] && break; sleep 0.1; done
echo "=== shim alone"; $CLI status >/dev/null 2>&1; echo "status rc=$?"; $T/prog a 'b c'; echo "rc=$?"
echo "=== decisions"; cat $T/status
)SH", "", kEnv);
  INFO(r.err);
  auto s = sections(r.out);
  // Not already in force in the sandbox, so the shim set them.
  REQUIRE(s["before"].starts_with("nofile="));
  CHECK(s["before"].find("nofile=77/") == std::string::npos);
  CHECK(s["before"].find("as=524288/") == std::string::npos);
  const std::string limited = "nofile=77/77 as=524288/524288 args=a b c\nrc=0\n";
  CHECK(s["daemon"] == limited);
  // The daemon answered the first exec (its fast path) ...
  CHECK(nlohmann::json::parse(s["decisions"])["counters"]["decisions"].get<int>() == 1);
  // ... and it is gone for the second (status exits 3: no daemon answering).
  CHECK(s["shim alone"] == "status rc=3\n" + limited);
}

TEST_CASE("dispatch: the shim is a static program with no ELF interpreter", "[dispatch]") {
  if (kSanitizedBuild) {
    WARN("the sanitizer runtimes are shared libraries: a sanitized build's shim is dynamic");
    return;
  }
  RunResult dynamic = run({"readelf", "--dynamic", kShim});
  INFO(dynamic.err);
  REQUIRE(dynamic.exit_code == 0);
  CHECK(dynamic.out.find("There is no dynamic section in this file.") != std::string::npos);
  RunResult headers = run({"readelf", "--wide", "--program-headers", kShim});
  INFO(headers.err);
  REQUIRE(headers.exit_code == 0);
  CHECK(headers.out.find(" LOAD ") != std::string::npos);  // the headers were read
  CHECK(headers.out.find("INTERP") == std::string::npos);
  CHECK(headers.out.find(" DYNAMIC ") == std::string::npos);
}
