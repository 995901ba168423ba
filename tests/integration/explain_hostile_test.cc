// `explain` on damaged copies of real programs: truncated at many lengths and
// with header bytes flipped. Every answer is a clear one (JSON with a reason,
// exit 0, 126 or 127), never a crash.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "integration/paths.h"
#include "support/builders.h"
#include "support/run.h"
#include "support/temp_dir.h"

using namespace scarlet::test;

TEST_CASE("hostile files: truncated and corrupted headers get a clear refusal", "[hostile]") {
  TempDir dir;
  const char* originals[] = {"/elf/hello-aarch64-dynamic", "/elf/hello-mipsn32el-static", "/msdos/HELLOEXE.EXE",
                             "/pe/hello64.exe", "/clr/hello.exe", "/wasm/hello.wasm", "/java/hello.jar",
                             "/java/classes/com/example/Hello.class"};
  int refused = 0;
  for (const char* original : originals) {
    std::string bytes = read_file(kExamples + original);
    REQUIRE(bytes.size() > 64);
    std::string name = std::string(original).substr(std::string(original).rfind('/') + 1);
    std::vector<std::string> variants;
    for (std::size_t len : {1, 4, 7, 20, 40, 63, 100, 200, 500, 1000, 3000})
      if (len < bytes.size()) variants.push_back(bytes.substr(0, len));
    for (std::size_t at : {4, 5, 6, 7, 16, 18, 24, 32, 60, 61})
      for (unsigned char flip : {0xff, 0x80, 0x01}) {
        std::string v = bytes;
        v[at] = static_cast<char>(static_cast<unsigned char>(v[at]) ^ flip);
        variants.push_back(v);
      }
    for (std::size_t i = 0; i < variants.size(); ++i) {
      std::string file = dir.write(std::to_string(i) + "/" + name, variants[i], 0755);
      RunResult r = run({kCli, "--registry", kRegistry, "explain", "--json", file});
      INFO(original << " variant " << i << ": " << r.err);
      REQUIRE((r.exit_code == 0 || r.exit_code == 126 || r.exit_code == 127));
      auto j = nlohmann::json::parse(r.out);
      if (r.exit_code != 0) {
        CHECK_FALSE(j["reason"].get<std::string>().empty());
        CHECK(r.err == "scarlet: " + file + ": " + j["reason"].get<std::string>() + "\n");
        ++refused;
      }
    }
  }
  CHECK(refused > 50);
}

TEST_CASE("hostile files: a Mach-O universal binary is not mistaken for Java", "[hostile]") {
  TempDir dir;
  std::string fat = u32_bytes(0xcafebabe, true) + u32_bytes(2, true);
  for (std::uint32_t cpu : {0x01000007u, 0x0100000cu})
    fat += u32_bytes(cpu, true) + u32_bytes(3, true) + u32_bytes(0x4000, true) + u32_bytes(0x1000, true) + u32_bytes(14, true);
  fat.resize(0x5000, '\0');
  std::string file = dir.write("universal", fat, 0755);
  RunResult r = run({kCli, "--registry", kRegistry, "explain", "--json", file});
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["format"] == "macho");
  CHECK(j["facts"]["architectures"] == "x86_64, arm64");
  CHECK(r.exit_code == 127);
  CHECK(j["reason"] == "macho program, but no runtime is configured for it");
}

TEST_CASE("explain: usage errors and missing files", "[cli]") {
  RunResult missing = run({kCli, "--registry", kRegistry, "explain", "/nonexistent/prog"});
  CHECK(missing.exit_code == 127);
  CHECK(missing.err == "scarlet: /nonexistent/prog: cannot open: No such file or directory\n");
  RunResult usage = run({kCli, "explain"});
  CHECK(usage.exit_code == 2);
  CHECK(run({kCli, "no-such-command"}).exit_code == 2);
  CHECK_THAT(usage.err, Catch::Contains("file is required"));
  RunResult bad_registry = run({kCli, "--registry", "/nonexistent.json", "explain", "/bin/sh"});
  CHECK(bad_registry.exit_code == 2);
  RunResult version = run({kCli, "--version"});
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.out, Catch::StartsWith("scarlet-dispatch "));
  for (std::string sub : {"explain", "check-config"}) {
    RunResult help = run({kCli, sub, "--help"});
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Catch::Contains("Usage:"));
  }
}

TEST_CASE("check-config: ok, and errors with positions and exit 1", "[cli]") {
  RunResult ok = run({kCli, "check-config", kRegistry});
  CHECK(ok.exit_code == 0);
  CHECK_THAT(ok.out, Catch::Contains(": ok: "));
  TempDir dir;
  std::string bad = dir.write("registry.json", "{\"version\": 1,\n \"formats\": {\"jar\": {\"runtimes\": [{\"path\": \"java\"}]}}}");
  RunResult r = run({kCli, "check-config", bad});
  CHECK(r.exit_code == 1);
  CHECK(r.err == bad + ":2:44: a runtime path must be an absolute path, not \"java\"\n");
}
