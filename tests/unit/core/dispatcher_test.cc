#include "scarlet/dispatcher.h"

#include <sys/resource.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "scarlet/native_samples.h"
#include "support/builders.h"
#include "support/temp_dir.h"

using namespace scarlet;
using namespace scarlet::test;

namespace {

const HostAbi kHost({"elf:x86_64", "elf:i386"});
const std::string kScript = "#!/bin/sh\n";

// A dispatcher over a registry text in which "$D" stands for `dir`.
struct Fixture {
  TempDir dir;
  std::unique_ptr<Dispatcher> dispatcher;

  void load(std::string text) {
    for (auto at = text.find("$D"); at != std::string::npos; at = text.find("$D"))
      text.replace(at, 2, dir.path());
    RegistryFile f{"reg.json", text};
    auto reg = Registry::parse(std::span(&f, 1), {builtin_formats(kHost), kHost.formats(), native_samples(kHost)});
    REQUIRE(reg.ok());
    dispatcher = std::make_unique<Dispatcher>(std::make_shared<const Registry>(std::move(reg).value()), kHost,
                                              TrustPolicy{{::getuid()}});
  }
  Decision decide(const std::string& bytes, Invocation inv) const {
    return dispatcher->decide(FileView::over_bytes(bytes), inv);
  }
};

const char* kBench = R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}],
  "formats": {"rule:bench": {"runtimes": [{"path": "$D/noop"}]}}})";

}  // namespace

TEST_CASE("dispatcher: the seed's plan: runtime, then the binary, then its arguments", "[dispatcher]") {
  Fixture f;
  f.dir.write("noop", kScript, 0755);
  f.load(kBench);
  Decision d = f.decide("SCARLETB", {"./prog", std::nullopt, {"a b", "c"}, 3});
  REQUIRE(d.status.ok());
  CHECK(d.detection.format == "rule:bench");
  CHECK(d.detection.module == "rule");
  CHECK(d.plan.exec_path == f.dir.path() + "/noop");
  CHECK(d.plan.argv == std::vector<std::string>{f.dir.path() + "/noop", "./prog", "a b", "c"});
  CHECK(d.plan.args_at == 2);
  REQUIRE(d.plan.chain.size() == 1);
  CHECK(d.plan.chain[0].runtime_format == "native");
  CHECK_FALSE(d.plan.uses_binary_fd);
}

TEST_CASE("dispatcher: native programs run as they are", "[dispatcher]") {
  Fixture f;
  f.load(kBench);
  ElfSpec x86;
  x86.machine = 62;
  Decision d = f.decide(build_elf(x86), {"/bin/true", "true", {"x"}, -1});
  REQUIRE(d.status.ok());
  CHECK(d.detection.native());
  CHECK(d.plan.chain.empty());
  CHECK(d.plan.exec_path == "/bin/true");
  CHECK(d.plan.argv == std::vector<std::string>{"true", "x"});
}

TEST_CASE("dispatcher: placeholders for argv0, the executed fd and module values", "[dispatcher]") {
  Fixture f;
  f.dir.write("qemu", kScript, 0755);
  f.dir.write("java", kScript, 0755);
  f.load(R"({"version": 1, "formats": {
    "elf:aarch64": {"runtimes": [{"path": "$D/qemu", "args": ["-0", "{argv0}", "{binary_fd}", "{args}"]}]},
    "java-class": {"runtimes": [{"path": "$D/java", "args": ["-cp", "{classpath}", "{class}", "{args}"]}]}}})");
  Decision d = f.decide(build_elf({}), {"./busybox", "ls", {"-l"}, 5});
  REQUIRE(d.status.ok());
  CHECK(d.plan.argv == std::vector<std::string>{f.dir.path() + "/qemu", "-0", "ls", "/dev/fd/5", "-l"});
  CHECK(d.plan.uses_binary_fd);
  d = f.decide(build_class({}), {"/opt/app/com/example/Hello.class", std::nullopt, {"x"}, 5});
  REQUIRE(d.status.ok());
  CHECK(d.plan.argv == std::vector<std::string>{f.dir.path() + "/java", "-cp", "/opt/app", "com.example.Hello", "x"});
}

TEST_CASE("dispatcher: the first installed and trusted runtime wins, and the rest say why", "[dispatcher]") {
  REQUIRE(::getuid() == 0);
  Fixture f;
  f.dir.write("writable", kScript, 0777);
  f.dir.write("good", kScript, 0755);
  f.load(R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}],
    "formats": {"rule:bench": {"runtimes": [{"path": "$D/missing"}, {"path": "$D/writable"}, {"path": "$D/good"}]}}})");
  Decision d = f.decide("SCARLETB", {"p", std::nullopt, {}, -1});
  REQUIRE(d.status.ok());
  CHECK(d.plan.chain[0].runtime == f.dir.path() + "/good");
  REQUIRE(d.plan.chain[0].skipped.size() == 2);
  CHECK(d.plan.chain[0].skipped[0].reason == "not installed");
  CHECK(d.plan.chain[0].skipped[1].reason == f.dir.path() + "/writable is writable by group or others");
}

TEST_CASE("dispatcher: missing, untrusted and unconfigured runtimes give 127 or 126", "[dispatcher]") {
  Fixture f;
  f.dir.write("writable", kScript, 0777);
  f.load(R"({"version": 1, "rules": [{"name": "a", "magic": "AAAA"}, {"name": "b", "magic": "BBBB"}, {"name": "c", "magic": "CCCC"}],
    "formats": {"rule:a": {"runtimes": [{"path": "/usr/bin/dosbox-none"}, {"path": "/usr/bin/dosbox-x-none"}]},
                "rule:b": {"runtimes": [{"path": "$D/writable"}, {"path": "/nope"}]}}})");
  Decision d = f.decide("AAAA", {"./game.exe", std::nullopt, {}, -1});
  CHECK(d.status.message() == "rule:a program, but no runtime is installed (tried dosbox-none, dosbox-x-none)");
  CHECK(exit_code_for(d.status) == 127);
  d = f.decide("BBBB", {"./x", std::nullopt, {}, -1});
  CHECK(d.status.message() == "rule:b program, but no runtime may be used (" + f.dir.path() + "/writable: " + f.dir.path() +
                                  "/writable is writable by group or others, /nope: not installed)");
  CHECK(exit_code_for(d.status) == 126);
  d = f.decide("CCCC", {"./x", std::nullopt, {}, -1});
  CHECK(d.status.message() == "rule:c program, but no runtime is configured for it");
  CHECK(exit_code_for(d.status) == 127);
}

TEST_CASE("dispatcher: a format's install hint ends the line that says no runtime is installed", "[dispatcher]") {
  Fixture f;
  f.load(R"({"version": 1, "rules": [{"name": "a", "magic": "AAAA"}, {"name": "c", "magic": "CCCC"}],
    "formats": {"rule:a": {"install": "dosbox", "runtimes": [{"path": "/usr/bin/dosbox-none"}]},
                "rule:c": {"install": "something", "runtimes": []}}})");
  Decision d = f.decide("AAAA", {"./game.exe", std::nullopt, {}, -1});
  CHECK(d.status.message() == "rule:a program, but no runtime is installed (tried dosbox-none); install dosbox");
  CHECK(exit_code_for(d.status) == 127);
  d = f.decide("CCCC", {"./x", std::nullopt, {}, -1});
  CHECK(d.status.message() == "rule:c program, but no runtime is configured for it; install something");
}

TEST_CASE("dispatcher: a runtime older than the program needs is passed over, and none left is one line, 127", "[dispatcher]") {
  Fixture f;
  f.dir.write("jdk17/bin/java", kScript, 0755);
  f.dir.write("jdk17/release", "JAVA_VERSION=\"17.0.15\"\n");
  f.dir.write("jdk25/bin/java", kScript, 0755);
  f.dir.write("jdk25/release", "JAVA_VERSION=\"25.0.3\"\n");
  const char* probe = R"("version": {"file": "../release", "key": "JAVA_VERSION", "at_least": "java"})";
  f.load(std::string(R"({"version": 1, "formats": {"java-class": {"install": "a newer Java", "runtimes": [
    {"path": "$D/jdk17/bin/java", )") + probe + R"(, "args": ["{class}"]},
    {"path": "$D/jdk25/bin/java", )" + probe + R"(, "args": ["{class}"]}]}}})");
  ClassSpec java25;
  java25.major = 69;
  Decision d = f.decide(build_class(java25), {"com/example/Hello.class", std::nullopt, {}, -1});
  REQUIRE(d.status.ok());
  CHECK(d.plan.exec_path == f.dir.path() + "/jdk25/bin/java");
  CHECK(d.plan.chain[0].skipped[0].reason == "java is version 17; the program needs 25 or later");
  // A class for Java 17 takes the first.
  d = f.decide(build_class({}), {"com/example/Hello.class", std::nullopt, {}, -1});
  CHECK(d.plan.exec_path == f.dir.path() + "/jdk17/bin/java");

  ClassSpec java30;
  java30.major = 74;
  d = f.decide(build_class(java30), {"com/example/Hello.class", std::nullopt, {}, -1});
  CHECK(d.status.message() == "java-class program, but no installed runtime is new enough (java is version 17; the "
                              "program needs 30 or later, java is version 25; the program needs 30 or later); install a newer Java");
  CHECK(exit_code_for(d.status) == 127);
}

TEST_CASE("dispatcher: refused and unknown files", "[dispatcher]") {
  Fixture f;
  f.load(kBench);
  Decision d = f.decide("\x7f" "ELF", {"./x", std::nullopt, {}, -1});
  CHECK(d.status.message() == "truncated ELF header");
  CHECK(d.detection.module == "elf");
  CHECK(d.detection.format.empty());
  CHECK(exit_code_for(d.status) == 126);
  d = f.decide("just text", {"./x", std::nullopt, {}, -1});
  CHECK(d.status.code() == Code::unsupported);
  CHECK(d.detection.module.empty());
  CHECK(exit_code_for(d.status) == 126);
}

TEST_CASE("dispatcher: a foreign runtime chains through its own format's runtime", "[dispatcher]") {
  Fixture f;
  f.dir.write("tool-aarch64", build_elf({}), 0755);  // the runtime is itself an aarch64 program
  f.dir.write("qemu", kScript, 0755);
  f.load(R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}], "formats": {
    "rule:bench": {"runtimes": [{"path": "$D/tool-aarch64", "args": ["--run", "{binary}", "{args}"], "env": {"A": "1"}}]},
    "elf:aarch64": {"runtimes": [{"path": "$D/qemu", "args": ["-0", "{argv0}", "{binary_fd}", "{args}"], "env": {"B": "2"}}]}}})");
  Decision d = f.decide("SCARLETB", {"./prog", std::nullopt, {"x"}, 4});
  REQUIRE(d.status.ok());
  REQUIRE(d.plan.chain.size() == 2);
  CHECK(d.plan.chain[0].runtime_format == "elf:aarch64");
  CHECK(d.plan.chain[1].runtime_format == "native");
  const std::string tool = f.dir.path() + "/tool-aarch64";
  CHECK(d.plan.argv == std::vector<std::string>{f.dir.path() + "/qemu", "-0", tool, tool, "--run", "./prog", "x"});
  CHECK(d.plan.args_at == 6);
  CHECK(d.plan.env == std::vector<EnvVar>{{"A", "1"}, {"B", "2"}});
  CHECK_FALSE(d.plan.uses_binary_fd);  // {binary_fd} of a chained runtime is its checked path
}

TEST_CASE("dispatcher: a runtime that leads back to its own format is a loop, not an exec loop", "[dispatcher]") {
  Fixture f;
  f.dir.write("tool-aarch64", build_elf({}), 0755);
  f.load(R"({"version": 1, "formats": {"elf:aarch64": {"runtimes": [{"path": "$D/tool-aarch64"}]}}})");
  Decision d = f.decide(build_elf({}), {"./prog", std::nullopt, {}, -1});
  CHECK(d.status.message() == "elf:aarch64 program, but no runtime may be used (" + f.dir.path() +
                                  "/tool-aarch64: loop: it is itself a elf:aarch64 program)");
  CHECK(exit_code_for(d.status) == 126);
}

TEST_CASE("dispatcher: chains longer than the limit are refused", "[dispatcher]") {
  Fixture f;
  std::string rules, formats;
  for (char c = 'a'; c <= 'f'; ++c) {
    std::string name(1, c), next(1, static_cast<char>(c + 1));
    rules += std::string(rules.empty() ? "" : ",") + R"({"name": ")" + name + R"(", "magic": "RT-)" + name + R"("})";
    f.dir.write("rt-" + next, "RT-" + next, 0755);  // each runtime is a program of the next rule
    formats += std::string(formats.empty() ? "" : ",") + R"("rule:)" + name + R"(": {"runtimes": [{"path": "$D/rt-)" + next + R"("}]})";
  }
  f.load(R"({"version": 1, "rules": [)" + rules + R"(], "formats": {)" + formats + "}}");
  Decision d = f.decide("RT-a", {"./x", std::nullopt, {}, -1});
  CHECK(d.status.message() == "runtime chain longer than 4 links");
  CHECK(d.plan.chain.size() == 4);
}

TEST_CASE("dispatcher: via launchers, explicit abi, env and limits", "[dispatcher]") {
  Fixture f;
  f.dir.write("dosbox", "not even a program", 0755);  // abi says native: not sniffed
  f.dir.write("launcher", kScript, 0755);
  f.dir.write("sysroot/lib/ld-linux-aarch64.so.1", "", 0644);
  f.load(R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}], "formats": {
    "rule:bench": {"limits": {"nofile": 100, "as": "1G"},
      "runtimes": [{"path": "$D/dosbox", "abi": "native", "via": "$D/launcher", "args": ["{runtime}", "{binary}"],
                    "limits": {"nofile": 50}}]},
    "elf:aarch64": {"runtimes": [{"path": "$D/launcher", "env_if_exists": {"QEMU_LD_PREFIX": ["$D/none", "$D/sysroot"]}}]}}})");
  Decision d = f.decide("SCARLETB", {"./g.exe", std::nullopt, {}, -1});
  REQUIRE(d.status.ok());
  CHECK(d.plan.exec_path == f.dir.path() + "/launcher");
  CHECK(d.plan.argv == std::vector<std::string>{f.dir.path() + "/launcher", f.dir.path() + "/dosbox", "./g.exe"});
  CHECK(d.plan.limits == std::vector<Limit>{{"as", RLIMIT_AS, 1ull << 30}, {"nofile", RLIMIT_NOFILE, 50}});

  ElfSpec dynamic;
  dynamic.interp = "/lib/ld-linux-aarch64.so.1";
  d = f.decide(build_elf(dynamic), {"./p", std::nullopt, {}, -1});
  CHECK(d.plan.env == std::vector<EnvVar>{{"QEMU_LD_PREFIX", f.dir.path() + "/sysroot"}});
  dynamic.interp = "/lib/ld-linux-armhf.so.3";  // this sysroot cannot serve it
  d = f.decide(build_elf(dynamic), {"./p", std::nullopt, {}, -1});
  CHECK(d.plan.env.empty());
}

TEST_CASE("dispatcher: without the program's arguments the plan says where they go", "[dispatcher]") {
  Fixture f;
  f.dir.write("java", kScript, 0755);
  f.dir.write("quiet", kScript, 0755);
  f.load(R"({"version": 1, "rules": [{"name": "q", "magic": "QQ"}], "formats": {
    "jar": {"runtimes": [{"path": "$D/java", "args": ["-jar", "{binary}", "{args}", "--end"]}]},
    "rule:q": {"runtimes": [{"path": "$D/quiet", "args": ["{binary}"]}]}}})");
  Decision d = f.decide(build_zip({{"META-INF/MANIFEST.MF", "Main-Class: a.B\n"}}), {"app.jar", std::nullopt, {}, -1});
  REQUIRE(d.status.ok());
  CHECK(d.plan.argv == std::vector<std::string>{f.dir.path() + "/java", "-jar", "app.jar", "--end"});
  CHECK(d.plan.args_at == 3);
  d = f.decide("QQ", {"q", std::nullopt, {"dropped"}, -1});
  CHECK(d.plan.argv == std::vector<std::string>{f.dir.path() + "/quiet", "q"});
  CHECK(d.plan.args_at == -1);
}

TEST_CASE("dispatcher: scripts are native programs, known by their interpreter", "[dispatcher]") {
  Fixture f;
  f.load(kBench);
  Decision d = f.decide("#!/bin/sh -e\necho hi\n", {"./hi.sh", std::nullopt, {"a"}, -1});
  REQUIRE(d.status.ok());
  CHECK(d.detection.native());
  CHECK(d.detection.module == "script");
  CHECK(*d.detection.fact("interpreter") == "/bin/sh");
  CHECK(d.plan.argv == std::vector<std::string>{"./hi.sh", "a"});
}

TEST_CASE("dispatcher: a script runtime with a foreign interpreter chains through the interpreter", "[dispatcher]") {
  Fixture f;
  const std::string tool = f.dir.path() + "/tool-aarch64", wrapper = f.dir.path() + "/wrapper";
  f.dir.write("tool-aarch64", build_elf({}), 0755);
  f.dir.write("wrapper", "#!" + tool + " -x\n", 0755);  // exec'd, the kernel would run tool-aarch64
  f.dir.write("qemu", kScript, 0755);
  f.load(R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}], "formats": {
    "rule:bench": {"runtimes": [{"path": "$D/wrapper", "args": ["--run", "{binary}", "{args}"]}]},
    "elf:aarch64": {"runtimes": [{"path": "$D/qemu", "args": ["-0", "{argv0}", "{binary_fd}", "{args}"]}]}}})");
  Decision d = f.decide("SCARLETB", {"./prog", std::nullopt, {"x"}, 4});
  REQUIRE(d.status.ok());
  REQUIRE(d.plan.chain.size() == 2);
  CHECK(d.plan.chain[0].runtime_format == "elf:aarch64");
  // What the kernel and a second shim would have done, in one exec: qemu runs
  // the interpreter, which gets its #! argument, the script, the script's arguments.
  CHECK(d.plan.argv == std::vector<std::string>{f.dir.path() + "/qemu", "-0", tool, tool, "-x", wrapper, "--run", "./prog", "x"});
  CHECK(d.plan.args_at == 8);
}

TEST_CASE("dispatcher: a loop through a script's interpreter is refused, not followed", "[dispatcher]") {
  Fixture f;
  const std::string ia = f.dir.path() + "/ia", ib = f.dir.path() + "/ib";
  f.dir.write("ia", "RT-a", 0755);  // a program of rule:a
  f.dir.write("ib", "RT-b", 0755);  // a program of rule:b
  f.dir.write("sa", "#!" + ib + "\n", 0755);
  f.dir.write("sb", "#!" + ia + "\n", 0755);
  // rule:a runs through sa, whose interpreter is a rule:b program, which
  // runs through sb, whose interpreter is a rule:a program again.
  f.load(R"({"version": 1, "rules": [{"name": "a", "magic": "RT-a"}, {"name": "b", "magic": "RT-b"}], "formats": {
    "rule:a": {"runtimes": [{"path": "$D/sa"}]}, "rule:b": {"runtimes": [{"path": "$D/sb"}]}}})");
  Decision d = f.decide("RT-a", {"./x", std::nullopt, {}, -1});
  CHECK(d.status.message() == "rule:b program, but no runtime may be used (" + f.dir.path() +
                                  "/sb: loop: it is itself a rule:a program)");
  CHECK(exit_code_for(d.status) == 126);
}

TEST_CASE("dispatcher: #! interpreters are followed no deeper than the kernel would", "[dispatcher]") {
  Fixture f;
  f.dir.write("s0", kScript, 0755);
  for (int i = 1; i <= 5; ++i)  // s5 -> s4 -> ... -> s0 -> /bin/sh
    f.dir.write("s" + std::to_string(i), "#!" + f.dir.path() + "/s" + std::to_string(i - 1) + "\n", 0755);
  f.load(R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}],
    "formats": {"rule:bench": {"runtimes": [{"path": "$D/s5"}, {"path": "$D/s4"}]}}})");
  auto deep = f.dispatcher->sniff_file(f.dir.path() + "/s5");
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.status().message().ends_with("more than 5 levels of #! interpreters"));
  Decision d = f.decide("SCARLETB", {"./x", std::nullopt, {}, -1});
  REQUIRE(d.status.ok());
  CHECK(d.plan.exec_path == f.dir.path() + "/s4");
  REQUIRE(d.plan.chain.size() == 1);
  REQUIRE(d.plan.chain[0].skipped.size() == 1);
  CHECK(d.plan.chain[0].skipped[0].reason.find("more than 5 levels of #! interpreters") != std::string::npos);
}

TEST_CASE("dispatcher: a program's interpreter is looked up beneath the sysroot only (issue 11, finding 6)", "[dispatcher]") {
  Fixture f;
  f.dir.write("launcher", kScript, 0755);
  f.dir.write("sysroot/lib/ld-linux-aarch64.so.1", "", 0644);
  f.dir.write("outside/secret", "", 0600);
  // An absolute link inside the sysroot must not lead the probe out of it.
  REQUIRE(::symlink((f.dir.path() + "/outside").c_str(), (f.dir.path() + "/sysroot/escape").c_str()) == 0);
  f.load(R"({"version": 1, "formats": {
    "elf:aarch64": {"runtimes": [{"path": "$D/launcher", "env_if_exists": {"QEMU_LD_PREFIX": "$D/sysroot"}}]}}})");
  ElfSpec dynamic;
  dynamic.interp = "/escape/secret";
  Decision d = f.decide(build_elf(dynamic), {"./p", std::nullopt, {}, -1});
  REQUIRE(d.status.ok());
  CHECK(d.plan.env.empty());
  dynamic.interp = "/lib/ld-linux-aarch64.so.1";
  d = f.decide(build_elf(dynamic), {"./p", std::nullopt, {}, -1});
  CHECK(d.plan.env == std::vector<EnvVar>{{"QEMU_LD_PREFIX", f.dir.path() + "/sysroot"}});
}

TEST_CASE("dispatcher: resources: the candidate's override the format's, and across a chain the stricter wins", "[dispatcher][resources]") {
  Fixture f;
  f.dir.write("tool-aarch64", build_elf({}), 0755);
  f.dir.write("qemu", kScript, 0755);
  f.load(R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}], "formats": {
    "rule:bench": {"resources": {"memory": "1G", "tasks": 10},
                   "runtimes": [{"path": "$D/tool-aarch64", "resources": {"memory": "512M", "cpu_weight": 50}}]},
    "elf:aarch64": {"resources": {"memory": "768M", "tasks": 100, "cpu_quota": "50%", "cpu_weight": 80},
                    "runtimes": [{"path": "$D/qemu"}]}}})");
  Decision d = f.decide("SCARLETB", {"./prog", std::nullopt, {}, -1});
  REQUIRE(d.status.ok());
  CHECK(d.plan.resources == ResourceControl{512ull << 20, 10, 50, 50});
  // The chained format alone.
  d = f.decide(build_elf({}), {"./p", std::nullopt, {}, -1});
  CHECK(d.plan.resources == ResourceControl{768ull << 20, 100, 50, 80});
  CHECK(d.plan.limits.empty());  // resources are not rlimits until nothing else can hold them
}

TEST_CASE("dispatcher: \"when\" passes over candidates whose conditions fail, and says how each went", "[dispatcher][selection]") {
  Fixture f;
  f.dir.write("wine", kScript, 0755);
  f.dir.write("wine64", kScript, 0755);
  f.load(R"({"version": 1, "formats": {"pe:x86_64": {"install": "wine32", "runtimes": [
    {"path": "$D/wine", "when": {"pe": "PE32"}}, {"path": "$D/wine64", "when": {"pe": ["PE32+"], "subsystem": "windows-console"}}]}}})");
  Decision d = f.decide(build_pe({}), {"./p.exe", std::nullopt, {}, -1});
  REQUIRE(d.status.ok());
  const ChainLink& link = d.plan.chain[0];
  CHECK(link.runtime == f.dir.path() + "/wine64");
  CHECK(link.chosen_by == "first candidate that can run it");
  REQUIRE(link.conditions.size() == 2);
  CHECK(link.conditions[0].conditions[0].text == "pe is PE32, but the program's is PE32+");
  CHECK_FALSE(link.conditions[0].conditions[0].held);
  CHECK(link.conditions[1].conditions[0].text == "pe is PE32+");
  CHECK(link.conditions[1].conditions[1].text == "subsystem is windows-console");
  CHECK(link.skipped[0].reason == "when: pe is PE32, but the program's is PE32+");

  // None holds: one line naming each, 127, with the install hint.
  PeSpec gui;
  gui.subsystem = 2;
  d = f.decide(build_pe(gui), {"./p.exe", std::nullopt, {}, -1});
  CHECK(d.status.message() == "pe:x86_64 program, but no runtime here can run it (wine: when: pe is PE32, but the program's "
                              "is PE32+, wine64: when: subsystem is windows-console, but the program's is windows-gui); install wine32");
  CHECK(exit_code_for(d.status) == 127);
}

TEST_CASE("dispatcher: numeric conditions and a condition on a fact the program lacks", "[dispatcher][selection]") {
  Fixture f;
  f.dir.write("old", kScript, 0755);
  f.dir.write("any", kScript, 0755);
  f.load(R"({"version": 1, "formats": {"java-class": {"runtimes": [
    {"path": "$D/old", "when": {"java": {"at_most": 11}}, "args": ["{class}"]},
    {"path": "$D/nope", "when": {"python": "3.11"}, "args": ["{class}"]},
    {"path": "$D/any", "args": ["{class}"]}]}}})");
  ClassSpec java8;
  java8.major = 52;
  Decision d = f.decide(build_class(java8), {"com/example/Hello.class", std::nullopt, {}, -1});
  CHECK(d.plan.exec_path == f.dir.path() + "/old");
  d = f.decide(build_class({}), {"com/example/Hello.class", std::nullopt, {}, -1});
  CHECK(d.plan.exec_path == f.dir.path() + "/any");
  REQUIRE(d.plan.chain[0].conditions.size() == 2);
  CHECK(d.plan.chain[0].conditions[0].conditions[0].text == "java at most 11, but the program's is 17");
  CHECK(d.plan.chain[0].conditions[1].conditions[0].text == "python is 3.11, but the program has no python");
}

TEST_CASE("dispatcher: \"loader_in\" holds for static programs and for a loader beneath one of its sysroots", "[dispatcher][selection]") {
  Fixture f;
  f.dir.write("qemu-static-only", kScript, 0755);
  f.dir.write("qemu", kScript, 0755);
  f.dir.write("sysroot/lib/ld-linux-aarch64.so.1", "", 0644);
  f.load(R"({"version": 1, "formats": {"elf:aarch64": {"runtimes": [
    {"path": "$D/qemu-static-only", "when": {"linkage": "static"}},
    {"path": "$D/qemu", "when": {"loader_in": ["$D/none", "$D/sysroot"]}}]}}})");
  Decision d = f.decide(build_elf({}), {"./p", std::nullopt, {}, -1});
  CHECK(d.plan.exec_path == f.dir.path() + "/qemu-static-only");
  ElfSpec dynamic;
  dynamic.interp = "/lib/ld-linux-aarch64.so.1";
  d = f.decide(build_elf(dynamic), {"./p", std::nullopt, {}, -1});
  CHECK(d.plan.exec_path == f.dir.path() + "/qemu");
  CHECK(d.plan.chain[0].conditions[1].conditions[0].text ==
        "loader in " + f.dir.path() + "/none or " + f.dir.path() + "/sysroot (/lib/ld-linux-aarch64.so.1 is in " + f.dir.path() + "/sysroot)");
  dynamic.interp = "/lib/ld-musl-aarch64.so.1";
  d = f.decide(build_elf(dynamic), {"./p", std::nullopt, {}, -1});
  CHECK_THAT(d.status.message(), Catch::Contains("qemu: when: loader in " + f.dir.path() + "/none or " + f.dir.path() +
                                                 "/sysroot, but the program's /lib/ld-musl-aarch64.so.1 is in none"));
}

TEST_CASE("dispatcher: a pin puts its runtime first for the programs it names, and explain says which rule chose", "[dispatcher][selection]") {
  Fixture f;
  f.dir.write("jvm/a/bin/java", kScript, 0755);
  f.dir.write("jvm/b/bin/java", kScript, 0755);
  f.load(R"({"version": 1, "formats": {"jar": {"runtimes": [{"path": "$D/jvm/*/bin/java"}]},
                                       "java-class": {"runtimes": [{"path": "$D/jvm/*/bin/java"}]}},
    "pins": [{"path": "/games/*.jar", "format": "jar", "runtime": "$D/jvm/b/bin/java"},
             {"path": "/other/*.jar", "format": "java-class", "runtime": "$D/jvm/b/bin/java"}]})");
  std::string jar = build_zip({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMain-Class: Hello\r\n"}});
  Decision d = f.decide(jar, {"/games/x.jar", std::nullopt, {}, -1});
  CHECK(d.plan.exec_path == f.dir.path() + "/jvm/b/bin/java");
  CHECK(d.plan.chain[0].chosen_by == "pinned by reg.json:3:14 (/games/*.jar)");
  // Not pinned: a relative path (no fd to resolve it by), another directory,
  // a '*' that would have to cross a '/', a pin for another format.
  for (const char* path : {"games/x.jar", "/elsewhere/x.jar", "/games/sub/x.jar", "/other/x.jar"}) {
    d = f.decide(jar, {path, std::nullopt, {}, -1});
    CHECK(d.plan.exec_path == f.dir.path() + "/jvm/a/bin/java");
    CHECK(d.plan.chain[0].chosen_by == "first candidate that can run it");
  }
  // A pinned runtime that cannot run it gives way to the usual order, and says so.
  REQUIRE(::unlink((f.dir.path() + "/jvm/b/bin/java").c_str()) == 0);
  d = f.decide(jar, {"/games/x.jar", std::nullopt, {}, -1});
  CHECK(d.plan.exec_path == f.dir.path() + "/jvm/a/bin/java");
  CHECK(d.plan.chain[0].chosen_by == "first candidate that can run it (the runtime pinned by reg.json:3:14 cannot)");
  // A listed candidate that was pinned and could not run it is not tried (or skipped) twice.
  f.load(R"({"version": 1, "formats": {"jar": {"runtimes": [{"path": "$D/jvm/b/bin/java"}, {"path": "$D/jvm/a/bin/java"}]}},
    "pins": [{"path": "/games/*.jar", "runtime": "$D/jvm/b/bin/java"}]})");
  d = f.decide(jar, {"/games/x.jar", std::nullopt, {}, -1});
  CHECK(d.plan.exec_path == f.dir.path() + "/jvm/a/bin/java");
  CHECK(d.plan.chain[0].skipped.size() == 1);
}

TEST_CASE("dispatcher: runtimes that failed to start are passed over for the next candidate", "[dispatcher][selection]") {
  Fixture f;
  f.dir.write("first", kScript, 0755);
  f.dir.write("second", kScript, 0755);
  f.load(R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}],
    "formats": {"rule:bench": {"runtimes": [{"path": "$D/first"}, {"path": "$D/second"}]}}})");
  Invocation inv{"./p", std::nullopt, {}, -1};
  CHECK(f.decide("SCARLETB", inv).plan.exec_path == f.dir.path() + "/first");
  inv.failed_to_start = {{f.dir.path() + "/first", "Exec format error"}};
  Decision d = f.decide("SCARLETB", inv);
  CHECK(d.plan.exec_path == f.dir.path() + "/second");
  CHECK(d.plan.chain[0].skipped[0].reason == "did not start: Exec format error");
  inv.failed_to_start.push_back({f.dir.path() + "/second", "No such file or directory"});
  d = f.decide("SCARLETB", inv);
  CHECK(exit_code_for(d.status) == 126);
  CHECK_THAT(d.status.message(), Catch::Contains("second: did not start: No such file or directory"));
}

TEST_CASE("dispatcher: a discovery glob stands for each file it matches, in name order, and none is not installed", "[dispatcher][selection]") {
  Fixture f;
  f.dir.write("jvm/b/bin/java", kScript, 0755);
  f.dir.write("jvm/b/release", "JAVA_VERSION=\"25\"\n");
  f.dir.write("jvm/a/bin/java", kScript, 0755);
  f.dir.write("jvm/a/release", "JAVA_VERSION=\"17\"\n");
  f.load(R"({"version": 1, "formats": {"java-class": {"runtimes": [{"path": "$D/jvm/*/bin/java", "args": ["{class}"],
    "version": {"file": "../release", "key": "JAVA_VERSION", "at_least": "java"}}]},
    "jar": {"runtimes": [{"path": "$D/none/*/java"}]}}})");
  Decision d = f.decide(build_class({}), {"com/example/Hello.class", std::nullopt, {}, -1});
  CHECK(d.plan.exec_path == f.dir.path() + "/jvm/a/bin/java");
  ClassSpec java25;
  java25.major = 69;
  d = f.decide(build_class(java25), {"com/example/Hello.class", std::nullopt, {}, -1});
  CHECK(d.plan.exec_path == f.dir.path() + "/jvm/b/bin/java");
  CHECK(d.plan.chain[0].skipped[0].reason == f.dir.path() + "/jvm/a/bin/java is version 17; the program needs 25 or later");
  std::string jar = build_zip({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMain-Class: Hello\r\n"}});
  d = f.decide(jar, {"x.jar", std::nullopt, {}, -1});
  CHECK(d.status.message() == "jar program, but no runtime is installed (tried java)");
}

TEST_CASE("dispatcher: a runtime listed twice is judged each time, and only a glob's finds are not judged again", "[dispatcher][selection]") {
  Fixture f;
  f.dir.write("rt", kScript, 0755);
  f.load(R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}],
    "formats": {"rule:bench": {"runtimes": [{"path": "$D/rt", "via": "$D/absent-launcher"}, {"path": "$D/rt", "args": ["again"]},
                                            {"path": "$D/r*"}]}}})");
  Decision d = f.decide("SCARLETB", {"./p", std::nullopt, {}, -1});
  REQUIRE(d.status.ok());
  CHECK(d.plan.argv == std::vector<std::string>{f.dir.path() + "/rt", "again"});
  Invocation inv{"./p", std::nullopt, {}, -1};
  inv.failed_to_start = {{f.dir.path() + "/rt", "Exec format error"}};
  d = f.decide("SCARLETB", inv);
  // The glob finds rt once more; already judged, it adds no second "did not start".
  REQUIRE(d.plan.chain[0].skipped.size() == 2);
  CHECK(d.plan.chain[0].skipped[1].reason == "did not start: Exec format error");
}

TEST_CASE("dispatcher: a chained runtime gets every link's policy, each granting the chain's files", "[dispatcher][confine]") {
  Fixture f;
  f.dir.write("tool-aarch64", build_elf({}), 0755);
  f.dir.write("qemu", kScript, 0755);
  f.load(R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}], "formats": {
    "rule:bench": {"confine": {"files": {"read": ["{runtime_dir}/lib", "{cwd}"]}, "scope": ["signal"]},
                   "runtimes": [{"path": "$D/tool-aarch64"}]},
    "elf:aarch64": {"flags": "OCF", "confine": {"network": "none"},
                    "runtimes": [{"path": "$D/qemu", "confine": {"files": {"write": ["/tmp"]}, "syscalls": ["no-ptrace"]}}]}}})");
  Decision d = f.decide("SCARLETB", {"./prog", std::nullopt, {}, 4});
  REQUIRE(d.status.ok());
  REQUIRE(d.plan.confinement.size() == 2);
  const std::string tool = f.dir.path() + "/tool-aarch64", qemu = f.dir.path() + "/qemu";
  const std::uint32_t rx = access::read | access::execute;
  const Confinement& first = d.plan.confinement[0];  // the format's own, {runtime_dir} resolved
  CHECK(first.paths == std::vector<PathGrant>{{f.dir.path() + "/lib", access::read}, {"{cwd}", access::read}, {tool, rx}, {qemu, rx}});
  CHECK(first.scope_signal);
  CHECK(first.no_new_privs == true);
  // The candidate's policy replaces its format's (no "network" here), and
  // a format with C gets no no_new_privs unless it asks.
  const Confinement& second = d.plan.confinement[1];
  CHECK_FALSE(second.network);
  CHECK(second.paths == std::vector<PathGrant>{{"/tmp", access::read | access::write}, {tool, rx}, {qemu, rx}});
  CHECK(second.syscalls == syscall_preset::no_ptrace);
  CHECK(second.no_new_privs == false);
}

TEST_CASE("dispatcher: no policy, or \"confine\": false, gives a plan without confinement", "[dispatcher][confine]") {
  Fixture f;
  f.dir.write("noop", kScript, 0755);
  f.load(R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}],
    "formats": {"rule:bench": {"confine": {"network": "none"}, "runtimes": [{"path": "$D/noop", "confine": false}]}}})");
  Decision d = f.decide("SCARLETB", {"./prog", std::nullopt, {}, -1});
  REQUIRE(d.status.ok());
  CHECK(d.plan.confinement.empty());
  f.load(kBench);
  CHECK(f.decide("SCARLETB", {"./prog", std::nullopt, {}, -1}).plan.confinement.empty());
}
