// `explain` on the example programs compiled in the build (build/examples),
// through the real CLI and the build tree's registry.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "integration/paths.h"
#include "support/run.h"

using namespace scarlet::test;
using json = nlohmann::json;

namespace {

struct Explained {
  int exit_code;
  json j;
};

Explained explain(const std::string& file, std::vector<std::string> args = {}) {
  std::vector<std::string> argv = {kCli, "--registry", kRegistry, "explain", "--json", file};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = run(argv);
  INFO(r.err);
  return {r.exit_code, json::parse(r.out)};
}

}  // namespace

TEST_CASE("examples: cross-compiled ELF programs, static and dynamic", "[examples]") {
  struct Arch {
    const char* name;
    const char* format;
    const char* sysroot;
  };
  for (Arch a : {Arch{"aarch64", "elf:aarch64", "/usr/aarch64-linux-gnu"}, Arch{"arm", "elf:arm", "/usr/arm-linux-gnueabihf"},
                 Arch{"riscv64", "elf:riscv64", "/usr/riscv64-linux-gnu"}, Arch{"s390x", "elf:s390x", "/usr/s390x-linux-gnu"},
                 Arch{"ppc64le", "elf:ppc64le", "/usr/powerpc64le-linux-gnu"},
                 Arch{"mips64el", "elf:mips64el", "/usr/mips64el-linux-gnuabi64"}}) {
    std::string target = std::string(a.format).substr(4);
    for (std::string linkage : {"static", "dynamic"}) {
      std::string file = kExamples + "/elf/hello-" + a.name + "-" + linkage;
      INFO(file);
      auto [code, j] = explain(file, {"a b", "\xc3\xa9t\xc3\xa9"});
      CHECK(code == 0);
      CHECK(j["format"] == a.format);
      CHECK(j["module"] == "elf");
      CHECK(j["facts"]["linkage"] == linkage);
      CHECK(j["runtime"] == "/usr/bin/qemu-" + target + "-static");
      // The program goes by the fd explain opened it on, whatever its number.
      CHECK_THAT(j["argv"][3].get<std::string>(), Catch::StartsWith("/dev/fd/"));
      j["argv"][3] = "/dev/fd/N";
      CHECK(j["argv"] == json::array({"/usr/bin/qemu-" + target + "-static", "-0", file, "/dev/fd/N", "a b", "\xc3\xa9t\xc3\xa9"}));
      if (linkage == "dynamic") CHECK(j["env"]["QEMU_LD_PREFIX"] == a.sysroot);
    }
  }
}

TEST_CASE("examples: MIPS n32 and native i386", "[examples]") {
  auto [code, j] = explain(kExamples + "/elf/hello-mipsn32el-static");
  CHECK(j["format"] == "elf:mipsn32el");
  CHECK(j["facts"]["mips_abi"] == "n32");
  auto i386 = explain(kExamples + "/elf/hello-i386-static", {"x"});
  CHECK(i386.exit_code == 0);
  CHECK(i386.j["native"] == true);
  CHECK(i386.j["facts"]["abi"] == "elf:i386");
  CHECK(i386.j["argv"] == json::array({kExamples + "/elf/hello-i386-static", "x"}));
}

TEST_CASE("examples: MS-DOS .COM and MZ programs go to DOSBox through its launcher", "[examples]") {
  for (std::string name : {"HELLO.COM", "HELLOEXE.EXE"}) {
    std::string file = kExamples + "/msdos/" + name;
    auto [code, j] = explain(file, {"one"});
    INFO(name);
    CHECK(code == 0);
    CHECK(j["format"] == "msdos");
    CHECK(j["argv"] == json::array({kBinaryDir + "/libexec/scarlet-dosbox", "/usr/bin/dosbox", file, "one"}));
  }
}

TEST_CASE("examples: PE32, PE32+ and a .NET assembly", "[examples]") {
  auto pe32 = explain(kExamples + "/pe/hello32.exe");
  CHECK(pe32.j["format"] == "pe:i386");
  CHECK(pe32.j["facts"]["pe"] == "PE32");
  auto pe64 = explain(kExamples + "/pe/hello64.exe");
  CHECK(pe64.j["format"] == "pe:x86_64");
  CHECK(pe64.j["facts"]["subsystem"] == "windows-console");
  for (const auto& e : {pe32, pe64})  // Wine may or may not be installed
    CHECK((e.exit_code == 0 || e.j["reason"].get<std::string>().find("no runtime is installed (tried wine") != std::string::npos));
  auto clr = explain(kExamples + "/clr/hello.exe", {"x"});
  CHECK(clr.exit_code == 0);
  CHECK(clr.j["format"] == "clr");
  CHECK(clr.j["argv"] == json::array({"/usr/bin/mono", kExamples + "/clr/hello.exe", "x"}));
}

TEST_CASE("examples: WebAssembly module and component", "[examples]") {
  auto core = explain(kExamples + "/wasm/hello.wasm", {"x"});
  CHECK(core.exit_code == 0);
  CHECK(core.j["format"] == "wasm");
  CHECK(core.j["facts"]["imports"] == "wasi_snapshot_preview1");
  CHECK(core.j["argv"][0] == kBinaryDir + "/libexec/scarlet-wasi-node");
  auto component = explain(kExamples + "/wasm/hello.component.wasm");
  CHECK(component.j["format"] == "wasm-component");
}

TEST_CASE("examples: a class in its package tree and runnable jars", "[examples]") {
  std::string root = kExamples + "/java/classes";
  auto cls = explain(root + "/com/example/Hello.class", {"a b"});
  CHECK(cls.exit_code == 0);
  CHECK(cls.j["format"] == "java-class");
  CHECK(cls.j["argv"] == json::array({"/usr/bin/java", "-cp", root, "com.example.Hello", "a b"}));
  auto jar = explain(kExamples + "/java/hello.jar", {"a"});
  CHECK(jar.exit_code == 0);
  CHECK(jar.j["facts"]["main_class"] == "com.example.Hello");
  CHECK(jar.j["argv"] == json::array({"/usr/bin/java", "-jar", kExamples + "/java/hello.jar", "a"}));
  auto nomain = explain(kExamples + "/java/nomain.jar");
  CHECK(nomain.exit_code == 126);
  CHECK(nomain.j["module"] == "jar");
  CHECK(nomain.j["reason"] == "jar has no Main-Class in its manifest, so java -jar cannot run it");
}

TEST_CASE("examples: explain and status say how each format is dispatched, and why", "[examples]") {
  // Foreign ELF: the kernel starts Debian's qemu itself.
  json elf = explain(kExamples + "/elf/hello-s390x-static").j;
  CHECK(elf["route"]["kind"] == "kernel");
  CHECK(elf["route"]["interpreter"] == "/usr/libexec/qemu-binfmt/s390x-binfmt-P");
  CHECK(elf["route"]["flags"] == "PF");
  // A jar's bytes say only "zip" to the kernel: the shim decides.
  json jar = explain(kExamples + "/java/hello.jar").j;
  CHECK(jar["route"]["kind"] == "shim");
  CHECK(jar["route"]["interpreter"] == kShim);
  CHECK(jar["route"]["reason"] == "scarlet-shim decides each exec, because its runtime /usr/bin/java has no direct interpreter");
  // The MZ family shares a magic: only a module can tell DOS from PE.
  json pe = explain(kExamples + "/pe/hello64.exe").j;
  CHECK(pe["route"]["kind"] == "shim");
  CHECK(pe["route"]["reason"].get<std::string>().find("its entries match the same bytes as ") != std::string::npos);
  // Text: one line.
  RunResult text = run({kCli, "--registry", kRegistry, "explain", kExamples + "/elf/hello-s390x-static"});
  CHECK(text.out.find("\ndispatched: kernel (/usr/libexec/qemu-binfmt/s390x-binfmt-P, flags PF): the kernel starts ") !=
        std::string::npos);
  // status, from the sandbox's daemon: the route and interpreter per entry.
  RunResult status = run({kCli, "--registry", kRegistry, "sandbox", "--", "/bin/sh", "-c", "$0 status --json", kCli});
  INFO(status.err);
  auto entries = json::parse(status.out)["entries"];
  auto entry = [&](const std::string& name) {
    for (const auto& e : entries)
      if (e["name"] == name) return e;
    return json();
  };
  CHECK(entry("scarlet-elf.s390x")["route"] == "kernel");
  CHECK(entry("scarlet-elf.s390x")["interpreter"] == "/usr/libexec/qemu-binfmt/s390x-binfmt-P");
  CHECK(entry("scarlet-jar")["route"] == "shim");
  CHECK(entry("scarlet-jar")["why"] == jar["route"]["reason"]);
}
