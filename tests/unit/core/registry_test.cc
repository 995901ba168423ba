#include "scarlet/registry.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <future>

#include "scarlet/dispatcher.h"
#include "scarlet/native_samples.h"
#include "scarlet/unique_fd.h"
#include "support/temp_dir.h"

using namespace scarlet;
using namespace scarlet::test;

namespace {

RegistryChecks checks() {
  HostAbi host({"elf:x86_64", "elf:i386"});
  return {builtin_formats(host), host.formats(), native_samples(host)};
}

Result<Registry> parse(const std::string& text, const std::string& name = "reg.json") {
  RegistryFile f{name, text};
  return Registry::parse(std::span(&f, 1), checks());
}

// "name:line:column" of the first occurrence of `needle` in `text`.
std::string at(const std::string& text, const std::string& needle, const std::string& name = "reg.json") {
  auto off = text.find(needle);
  REQUIRE(off != std::string::npos);
  std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<long>(off), '\n'));
  auto line_start = text.rfind('\n', off);
  std::size_t col = off - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
  return name + ":" + std::to_string(line) + ":" + std::to_string(col);
}

std::string error_of(const std::string& text) {
  auto r = parse(text);
  REQUIRE_FALSE(r.ok());
  return r.status().message();
}

const char* kIssueExample = R"({ "version": 1,
  "rules":   [ { "name": "bench", "magic": "SCARLETB", "offset": 0 } ],
  "formats": { "elf:aarch64": { "runtimes": [
                 { "path": "/usr/bin/qemu-aarch64-static",
                   "args": ["-0", "{argv0}", "{binary}", "{args}"],
                   "env": { "QEMU_LD_PREFIX": "/usr/aarch64-linux-gnu" } },
                 { "path": "/usr/bin/qemu-aarch64" } ] },
               "rule:bench": { "runtimes": [ { "path": "/opt/noop" } ] } } })";

}  // namespace

TEST_CASE("registry: accepts the documented example", "[registry]") {
  auto r = parse(kIssueExample);
  REQUIRE(r.ok());
  const FormatEntry* aarch64 = r->find("elf:aarch64");
  REQUIRE(aarch64);
  REQUIRE(aarch64->runtimes.size() == 2);
  CHECK(aarch64->runtimes[0].args == std::vector<std::string>{"-0", "{argv0}", "{binary}", "{args}"});
  CHECK(aarch64->runtimes[0].env == std::vector<EnvVar>{{"QEMU_LD_PREFIX", "/usr/aarch64-linux-gnu"}});
  CHECK(aarch64->runtimes[1].args == std::vector<std::string>{"{binary}", "{args}"});  // the seed's default
  CHECK(aarch64->runtimes[1].abi.empty());
  CHECK(aarch64->flags == "POF");
  REQUIRE(r->rules().size() == 1);
  CHECK(r->rules()[0].match.magic == "SCARLETB");
  const FormatEntry* bench = r->find("rule:bench");
  REQUIRE(bench);
  REQUIRE(bench->binfmt.size() == 1);
  CHECK(bench->binfmt[0].magic == "SCARLETB");
}

TEST_CASE("registry: every optional field", "[registry]") {
  std::string text = R"({"version": 1, "comment": "x",
    "rules": [{"name": "lua", "extension": "lua"}, {"name": "m", "magic": "\\x00\\xffAB\\\\", "mask": "\\xff\\xf0\\xff\\xff\\xff", "offset": 8}],
    "formats": {
      "rule:lua": {"description": "Lua", "flags": "PC", "limits": {"nofile": 64, "as": "2G", "core": "unlimited"},
                   "runtimes": [{"path": "/usr/bin/lua5.4", "via": "/usr/libexec/x", "abi": "native",
                                 "env_if_exists": {"LUA_PATH": ["/usr/share/lua", "/usr/local/share/lua"], "X": "/opt"},
                                 "limits": {"nofile": 32}}]},
      "macho": {"enabled": false, "runtimes": []},
      "msdos": {"binfmt": [{"magic": "MZ"}, {"extension": "com"}], "runtimes": []}}})";
  auto r = parse(text);
  REQUIRE(r.ok());
  CHECK(r->rules()[1].match.magic == std::string("\0\xff" "AB\\", 5));
  CHECK(r->rules()[1].match.mask == std::string("\xff\xf0\xff\xff\xff", 5));
  CHECK(r->rules()[1].match.offset == 8);
  const FormatEntry* lua = r->find("rule:lua");
  CHECK(lua->flags == "PC");
  CHECK(lua->binfmt[0].extension == "lua");
  CHECK(lua->limits == std::vector<Limit>{{"nofile", RLIMIT_NOFILE, 64}, {"as", RLIMIT_AS, 2ull << 30},
                                         {"core", RLIMIT_CORE, static_cast<std::uint64_t>(RLIM_INFINITY)}});
  const RuntimeCandidate& rt = lua->runtimes[0];
  CHECK(rt.via == "/usr/libexec/x");
  CHECK(rt.abi == "native");
  CHECK(rt.env_if_exists == std::vector<EnvPathChoice>{{"LUA_PATH", {"/usr/share/lua", "/usr/local/share/lua"}}, {"X", {"/opt"}}});
  CHECK(rt.where == at(text, "{\"path\": \"/usr/bin/lua5.4\""));
  CHECK_FALSE(r->find("macho")->enabled);
  CHECK(r->find("msdos")->binfmt.size() == 2);
}

TEST_CASE("registry: malformed JSON is reported at its position", "[registry]") {
  std::string text = "{\n  \"version\": 1,\n  \"formats\": { tru }\n}";
  CHECK(error_of(text).starts_with(at(text, "tru }") + ": syntax error"));
  std::string dup = "{\"version\": 1, \"version\": 1}";
  CHECK(error_of(dup) == "reg.json:1:16: duplicate key \"version\"");
  CHECK(error_of("").starts_with("reg.json:1:1: syntax error"));
}

TEST_CASE("registry: unknown keys, wrong types and bad values name their place", "[registry]") {
  std::string text = R"({
  "version": 1,
  "formats": {
    "msdos": { "runtimes": [ { "pth": "/x" } ] },
    "jar": { "runtimes": [ { "path": "java" } ] },
    "wasm": { "runtimes": [ { "path": "/w", "args": "run" } ] },
    "clr": { "enabled": "yes", "runtimes": [ { "path": "/m", "args": ["{nope}"] } ] },
    "elf:arm64": { "runtimes": [] },
    "java-class": { "flags": "PX", "runtimes": [ { "path": "/j", "env": { "1BAD": "x" }, "limits": { "files": 3 } } ] },
    "wasm-component": { "runtimes": [ { "path": "/j", "args": ["{args}", "{args}"] } ] }
  }
})";
  std::string e = error_of(text);
  CHECK_THAT(e, Catch::Contains(at(text, "\"pth\"") + ": unknown key \"pth\""));
  CHECK_THAT(e, Catch::Contains(at(text, "\"java\"") + ": a runtime path must be an absolute path, not \"java\""));
  CHECK_THAT(e, Catch::Contains(at(text, "\"run\"") + ": \"args\" must be an array of strings"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"yes\"") + ": \"enabled\" must be true or false"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"{nope}\"") + ": unknown placeholder {nope}"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"elf:arm64\"") + ": unknown format id \"elf:arm64\""));
  CHECK_THAT(e, Catch::Contains(at(text, "\"PX\"") + ": \"flags\" takes each of P, O, C and F at most once"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"1BAD\"") + ": \"1BAD\" is not a valid environment variable name"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"files\"") + ": unknown limit \"files\""));
  CHECK_THAT(e, Catch::Contains(at(text, "{ \"pth\"") + ": a runtime needs a \"path\""));
  CHECK_THAT(e, Catch::Contains(at(text, "[\"{args}\", \"{args}\"]") + ": {args} may appear only once"));
  CHECK(std::count(e.begin(), e.end(), '\n') == 10);  // eleven problems, one per line
}

TEST_CASE("registry: version, rules and magic are checked", "[registry]") {
  CHECK(error_of("{}") == "reg.json:1:1: missing \"version\": 1");
  CHECK_THAT(error_of(R"({"version": 2})"), Catch::Contains("unsupported version"));
  std::string text = R"({"version": 1, "rules": [
    {"name": "a", "magic": "\\x4"},
    {"name": "b", "magic": "\\q"},
    {"name": "c", "magic": "AB", "mask": "\\xff"},
    {"name": "d", "magic": "AB", "offset": 300},
    {"name": "e"},
    {"name": "Bad Name", "magic": "x"},
    {"name": "elfish", "magic": "\\x7fELF"},
    {"name": "shebang", "magic": "#!"},
    {"name": "twice", "magic": "T1"},
    {"name": "twice", "magic": "T2"}
  ]})";
  std::string e = error_of(text);
  CHECK_THAT(e, Catch::Contains(at(text, "\"\\\\x4\"") + ": bad escape at character 1: \\x needs two hex digits"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"\\\\q\"") + ": bad escape at character 1: use \\xHH"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"\\\\xff\"") + ": \"mask\" has 1 bytes but \"magic\" has 2"));
  CHECK_THAT(e, Catch::Contains(at(text, "300") + ": \"offset\" must be a whole number below 256"));
  CHECK_THAT(e, Catch::Contains(at(text, "{\"name\": \"e\"}") + ": needs \"magic\" or \"extension\""));
  CHECK_THAT(e, Catch::Contains(at(text, "\"Bad Name\"") + ": rule names use a-z"));
  CHECK_THAT(e, Catch::Contains(at(text, "{\"name\": \"elfish\"") + ": this magic would match native executables (x86_64 ELF executable)"));
  CHECK_THAT(e, Catch::Contains(at(text, "{\"name\": \"shebang\"") + ": this magic would match native executables (#! script)"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"twice\", \"magic\": \"T2\"") + ": rule \"twice\" is defined twice in this file"));
}

TEST_CASE("registry: a native format's own kernel entry is kept, not refused", "[registry]") {
  // elf:x86_64 is native here but the same file serves aarch64 hosts.
  auto r = parse(R"({"version": 1, "formats": {"elf:x86_64": {
    "binfmt": {"magic": "\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\x3e\\x00"},
    "runtimes": []}}})");
  CHECK(r.ok());
}

TEST_CASE("registry: drop-ins merge in name order, replacing formats and rules", "[registry]") {
  TempDir dir;
  std::string main = dir.write("registry.json", kIssueExample);
  dir.write("registry.d/20-local.json", R"({"version": 1, "formats": {"rule:bench": {"runtimes": [{"path": "/opt/bench2"}]}}})");
  dir.write("registry.d/10-rules.json", R"({"version": 1, "rules": [{"name": "lua", "extension": "lua"}],
      "formats": {"rule:bench": {"runtimes": [{"path": "/opt/bench1"}]}, "rule:lua": {"runtimes": []}}})");
  dir.write("registry.d/notes.txt", "ignored: not *.json");
  auto files = read_registry_files(main);
  REQUIRE(files.ok());
  REQUIRE(files->size() == 3);
  CHECK(files->at(1).path == dir.path() + "/registry.d/10-rules.json");
  auto r = Registry::parse(*files, checks());
  REQUIRE(r.ok());
  CHECK(r->find("rule:bench")->runtimes[0].path == "/opt/bench2");
  CHECK(r->find("rule:bench")->binfmt[0].magic == "SCARLETB");
  CHECK(r->find("rule:lua"));
  CHECK(r->find("elf:aarch64"));
  CHECK(r->sources().size() == 3);
}

TEST_CASE("registry: a drop-in overrides only the keys it sets", "[registry]") {
  TempDir dir;
  std::string main = dir.write("registry.json", R"({"version": 1, "formats": {"jar": {"description": "jars", "flags": "PF",
    "binfmt": {"magic": "PK\\x03\\x04"}, "runtimes": [{"path": "/usr/bin/java", "args": ["-jar", "{binary}", "{args}"]}]}}})");
  dir.write("registry.d/50-local.json", R"({"version": 1, "formats": {"jar": {"runtimes": [{"path": "/opt/java"}], "limits": {"nofile": 9}}}})");
  auto files = read_registry_files(main);
  REQUIRE(files.ok());
  auto r = Registry::parse(*files, checks());
  REQUIRE(r.ok());
  const FormatEntry* jar = r->find("jar");
  CHECK(jar->runtimes.size() == 1);
  CHECK(jar->runtimes[0].path == "/opt/java");
  CHECK(jar->binfmt.size() == 1);  // kept from the main file
  CHECK(jar->flags == "PF");
  CHECK(jar->description == "jars");
  CHECK(jar->limits.size() == 1);
}

TEST_CASE("registry: one bad drop-in rejects the whole registry", "[registry]") {
  TempDir dir;
  std::string main = dir.write("registry.json", kIssueExample);
  dir.write("registry.d/50-bad.json", R"({"version": 1, "formats": {"jar": {"runtimes": [{"path": "relative/java"}]}}})");
  auto files = read_registry_files(main);
  REQUIRE(files.ok());
  auto r = Registry::parse(*files, checks());
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::StartsWith(dir.path() + "/registry.d/50-bad.json:1:"));
}

TEST_CASE("registry: missing and oversized files", "[registry]") {
  TempDir dir;
  auto missing = read_registry_files(dir.path() + "/none.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Code::not_found);
  std::string big = dir.write("big.json", std::string((1 << 20) + 1, ' '));
  auto r = read_registry_files(big);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::EndsWith("larger than 1 MiB"));
  CHECK(drop_in_dir("/etc/scarlet-dispatch/registry.json") == "/etc/scarlet-dispatch/registry.d");
  CHECK(drop_in_dir("registry.json") == "./registry.d");
}

TEST_CASE("registry: a FIFO in registry.d is refused, not waited on (issue 11, finding 8)", "[registry]") {
  TempDir dir;
  std::string main = dir.write("registry.json", kIssueExample);
  dir.write("registry.d/.keep", "");
  const std::string fifo = dir.path() + "/registry.d/50-fifo.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  auto reading = std::async(std::launch::async, [&] { return read_registry_files(main); });
  const bool returned = reading.wait_for(std::chrono::seconds(2)) == std::future_status::ready;
  if (!returned) UniqueFd(::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));  // unblocks old code
  auto files = reading.get();
  CHECK(returned);
  REQUIRE_FALSE(files.ok());
  CHECK(files.status().message() == fifo + ": not a regular file");
}

TEST_CASE("registry: a limit too large for 64 bits is refused with its place, not wrapped (issue 11, finding 8)", "[registry]") {
  std::string text = R"({"version": 1, "formats": {"jar": {"limits": {"as": "16777216T", "nofile": "16777215T"}, "runtimes": []}}})";
  std::string e = error_of(text);
  CHECK(e == at(text, "\"16777216T\"") + ": \"16777216T\" is too large for a limit (at most 2^64 - 2; or \"unlimited\")");
}

TEST_CASE("registry: rules on the #! lines of common interpreters are refused (issue 11, finding 8)", "[registry]") {
  for (const char* magic : {"#!/usr/bin/env", "#!/bin/bash", "#!/usr/bin/python3", "#! /bin/sh", "#!/usr/bin/env python3", "#!/usr/bin/perl"}) {
    std::string text = std::string(R"({"version": 1, "rules": [{"name": "grabby", "magic": ")") + magic + R"("}]})";
    INFO(magic);
    CHECK_THAT(error_of(text), Catch::Contains(at(text, "{\"name\": \"grabby\"") + ": this magic would match native executables (#!"));
  }
  CHECK(parse(R"({"version": 1, "rules": [{"name": "mine", "magic": "#!SCARLET"}]})").ok());
}

TEST_CASE("registry: different flags on formats whose entries match the same files are warned about (issue 11, finding 2)", "[registry]") {
  // C on msdos alone: its "MZ" entry is the same as pe:x86_64's, and the
  // kernel applies one entry's flags to both formats' files.
  std::string text = R"({"version": 1, "formats": {
    "msdos": {"flags": "POCF", "binfmt": [{"magic": "MZ"}, {"extension": "com"}], "runtimes": []},
    "pe:x86_64": {"flags": "POF", "binfmt": {"magic": "MZ"}, "runtimes": []},
    "wasm": {"flags": "PF", "binfmt": {"magic": "\\x00asm"}, "runtimes": []}}})";
  auto r = parse(text);
  REQUIRE(r.ok());
  REQUIRE(r->warnings().size() == 1);
  CHECK(r->warnings()[0] == at(text, "{\"flags\": \"POCF\"") + ": msdos (flags \"POCF\") and pe:x86_64 (flags \"POF\") register kernel "
                            "entries that match the same files; the kernel applies one entry's flags to both, so these flags "
                            "cannot all take effect (give both the same flags)");
  // The same flags, or different files: nothing to say.
  CHECK(parse(R"({"version": 1, "formats": {"msdos": {"flags": "POCF", "binfmt": {"magic": "MZ"}, "runtimes": []},
    "pe:x86_64": {"flags": "POCF", "binfmt": {"magic": "MZ"}, "runtimes": []}}})")->warnings().empty());
}

TEST_CASE("registry: a bad \"direct\" names its place, and a good one is kept", "[registry]") {
  std::string text = R"({
  "version": 1,
  "formats": {
    "msdos": { "direct": "no", "runtimes": [ { "path": "/d", "direct": { "interpreter": "qemu-binfmt" } } ] },
    "jar": { "runtimes": [ { "path": "/j", "direct": "/usr/bin/x" } ] },
    "wasm": { "runtimes": [ { "path": "/w", "direct": { "sysroot": "/s", "flags": "PF" } } ] }
  }
})";
  std::string e = error_of(text);
  CHECK_THAT(e, Catch::Contains(at(text, "\"no\"") + ": a format's \"direct\" must be true or false"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"qemu-binfmt\"") + ": \"interpreter\" must be an absolute path, not \"qemu-binfmt\""));
  CHECK_THAT(e, Catch::Contains(at(text, "\"/usr/bin/x\"") + ": expected an object"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"flags\"") + ": unknown key \"flags\""));
  CHECK_THAT(e, Catch::Contains(at(text, "{ \"sysroot\"") + ": \"direct\" needs an \"interpreter\""));

  auto good = parse(R"({"version": 1, "formats": {"elf:aarch64": {"direct": false, "runtimes": [{"path": "/q",
    "direct": {"interpreter": "/usr/libexec/qemu-binfmt/aarch64-binfmt-P", "sysroot": "/etc/qemu-binfmt/aarch64"}}]}}})");
  REQUIRE(good.ok());
  const FormatEntry* f = good->find("elf:aarch64");
  CHECK_FALSE(f->direct);
  CHECK(f->runtimes[0].direct == "/usr/libexec/qemu-binfmt/aarch64-binfmt-P");
  CHECK(f->runtimes[0].direct_sysroot == "/etc/qemu-binfmt/aarch64");
}

TEST_CASE("registry: \"resources\" on a format and a candidate, each setting parsed", "[registry][resources]") {
  auto r = parse(R"({"version": 1, "formats": {"elf:aarch64": {
    "resources": {"memory": "256M", "tasks": 64, "cpu_quota": "150%", "cpu_weight": 20, "comment": "x"},
    "runtimes": [{"path": "/q", "resources": {"memory": "unlimited", "tasks": "unlimited"}}, {"path": "/r"}]}}})");
  REQUIRE(r.ok());
  const FormatEntry* f = r->find("elf:aarch64");
  REQUIRE(f);
  CHECK(f->resources == ResourceControl{256ull << 20, 64, 150, 20});
  CHECK(f->runtimes[0].resources == ResourceControl{ResourceControl::kUnlimited, ResourceControl::kUnlimited, {}, {}});
  CHECK_FALSE(f->runtimes[1].resources.any());
}

TEST_CASE("registry: bad \"resources\" name their place", "[registry][resources]") {
  std::string text = R"({"version": 1, "formats": {
  "elf:aarch64": {"resources": {"memory": "lots", "tasks": 0, "cpu_quota": 50, "cpu_weight": 10001, "swap": "1G"}, "runtimes": []},
  "elf:riscv64": {"resources": {"memory": 100, "tasks": "many", "cpu_quota": "0%"}, "runtimes": []},
  "elf:s390x": {"resources": {"cpu_quota": "100001%"}, "runtimes": [{"path": "/q", "resources": [64]}]},
  "elf:arm": {"resources": {"cpu_quota": "050%", "cpu_weight": -1}, "runtimes": []}}})";
  std::string e = error_of(text);
  CHECK_THAT(e, Catch::Contains(at(text, "\"lots\"") + ": \"memory\" is a size such as \"256M\" (bytes, or K, M, G, T), or \"unlimited\""));
  CHECK_THAT(e, Catch::Contains(at(text, "0, \"cpu_quota\"") + ": \"tasks\" is a whole number from 1 to 4194304"));
  CHECK_THAT(e, Catch::Contains(at(text, "50, \"cpu_weight\"") + ": \"cpu_quota\" is a percentage of one CPU from \"1%\" to \"100000%\""));
  CHECK_THAT(e, Catch::Contains(at(text, "10001") + ": \"cpu_weight\" is a whole number from 1 to 10000"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"swap\"") + ": unknown resource \"swap\" (expected memory, tasks, cpu_quota or cpu_weight)"));
  CHECK_THAT(e, Catch::Contains(at(text, "100,") + ": \"memory\" below 4K leaves no room for any runtime"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"many\"") + ": \"tasks\" is a whole number"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"0%\"") + ": \"cpu_quota\" is a percentage"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"100001%\"") + ": \"cpu_quota\" is a percentage"));
  CHECK_THAT(e, Catch::Contains(at(text, "[64]") + ": \"resources\" must be an object such as"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"050%\"") + ": \"cpu_quota\" is a percentage"));
  CHECK_THAT(e, Catch::Contains(at(text, "-1") + ": \"cpu_weight\" is a whole number"));
}

TEST_CASE("registry: a drop-in's \"resources\" replace the format's, and other keys keep them", "[registry][resources]") {
  TempDir dir;
  std::string main = dir.write("registry.json", R"({"version": 1, "formats": {
    "jar": {"resources": {"memory": "1G", "tasks": 100}, "runtimes": [{"path": "/j"}]},
    "wasm": {"resources": {"tasks": 8}, "runtimes": [{"path": "/w"}]}}})");
  dir.write("registry.d/50-local.json", R"({"version": 1, "formats": {"jar": {"resources": {"cpu_weight": 10}},
    "wasm": {"runtimes": [{"path": "/w2"}]}}})");
  auto files = read_registry_files(main);
  REQUIRE(files.ok());
  auto r = Registry::parse(*files, checks());
  REQUIRE(r.ok());
  CHECK(r->find("jar")->resources == ResourceControl{{}, {}, {}, 10});
  CHECK(r->find("wasm")->resources == ResourceControl{{}, 8, {}, {}});
}

TEST_CASE("registry: \"when\" conditions are kept, and bad ones name their place", "[registry][selection]") {
  auto good = parse(R"({"version": 1, "formats": {"pe:x86_64": {"runtimes": [{"path": "/w",
    "when": {"pe": "PE32+", "subsystem": ["console", "gui"], "java": {"at_least": 8, "at_most": 17},
             "loader_in": ["/usr/a", "/usr/b"], "comment": "x"}}]}}})");
  REQUIRE(good.ok());
  const auto& when = good->find("pe:x86_64")->runtimes[0].when;
  REQUIRE(when.size() == 4);
  CHECK(when[0] == Condition{"pe", {"PE32+"}, std::nullopt, std::nullopt});
  CHECK(when[1] == Condition{"subsystem", {"console", "gui"}, std::nullopt, std::nullopt});
  CHECK(when[2] == Condition{"java", {}, 8, 17});
  CHECK(when[3] == Condition{"loader_in", {"/usr/a", "/usr/b"}, std::nullopt, std::nullopt});

  std::string text = R"({
  "version": 1,
  "formats": {
    "jar": { "runtimes": [ { "path": "/j", "when": "PE32" } ] },
    "wasm": { "runtimes": [ { "path": "/w", "when": { "Bad Key": "x", "n": 5, "m": [], "o": {"at_least": "8"}, "p": {"over": 1}, "q": {} } } ] },
    "msdos": { "runtimes": [ { "path": "/d", "when": { "loader_in": "relative", "linkage": "static" } } ] }
  }
})";
  std::string e = error_of(text);
  CHECK_THAT(e, Catch::Contains(at(text, "\"PE32\"") + ": \"when\" must be an object of conditions"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"Bad Key\"") + ": \"Bad Key\" is not a condition"));
  CHECK_THAT(e, Catch::Contains(at(text, "5,") + ": a condition is a string, a non-empty array of strings"));
  CHECK_THAT(e, Catch::Contains(at(text, "[]") + ": a condition is a string"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"8\"") + ": \"at_least\" must be a whole number"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"over\"") + ": unknown key \"over\" (expected one of: at_least, at_most, comment)"));
  CHECK_THAT(e, Catch::Contains(at(text, "{} }") + ": a condition object needs \"at_least\" or \"at_most\""));
  CHECK_THAT(e, Catch::Contains(at(text, "\"relative\"") + ": each sysroot must be an absolute path, not \"relative\""));
}

TEST_CASE("registry: a discovery glob is only a runtime's path, never with \"direct\"", "[registry][selection]") {
  REQUIRE(parse(R"({"version": 1, "formats": {"jar": {"runtimes": [{"path": "/usr/lib/jvm/*/bin/java"}]}}})").ok());
  std::string text = R"({"version": 1, "formats": {
  "jar": {"runtimes": [{"path": "/j", "via": "/l/*"}]},
  "elf:aarch64": {"runtimes": [{"path": "/q/*", "direct": {"interpreter": "/i"}}]}}})";
  std::string e = error_of(text);
  CHECK_THAT(e, Catch::Contains(at(text, "\"/l/*\"") + ": \"via\" must name one file, not a glob"));
  CHECK_THAT(e, Catch::Contains(at(text, "{\"interpreter\"") + ": a runtime whose path is a glob cannot have a \"direct\" interpreter"));
}

TEST_CASE("registry: pins are kept in precedence order, and bad ones name their place", "[registry][selection]") {
  std::vector<RegistryFile> files = {
      {"main.json", R"({"version": 1, "formats": {"jar": {"runtimes": [{"path": "/usr/lib/jvm/*/bin/java"}, {"path": "/j"}]}},
        "pins": [{"path": "/games/*.jar", "runtime": "/j"}, {"path": "/a/*", "format": "jar", "runtime": "/usr/lib/jvm/x/bin/java"}]})"},
      {"local.json", R"({"version": 1, "pins": [{"path": "/games/old.jar", "format": "jar", "runtime": "/usr/lib/jvm/y/bin/java"}]})"}};
  auto reg = Registry::parse(files, checks());
  REQUIRE(reg.ok());
  REQUIRE(reg->pins().size() == 3);
  CHECK(reg->pins()[0].where == "local.json:1:25");
  CHECK(reg->pins()[0] == Pin{"/games/old.jar", "jar", "/usr/lib/jvm/y/bin/java", "local.json:1:25"});
  CHECK(reg->pins()[1].path == "/games/*.jar");
  CHECK(reg->pins()[1].format.empty());
  CHECK(reg->pins()[2].path == "/a/*");

  std::string text = R"({"version": 1, "formats": {"jar": {"runtimes": [{"path": "/j"}]}},
  "pins": [{"path": "games/*", "runtime": "/j"},
           {"path": "/g/*", "runtime": "/elsewhere"},
           {"path": "/g/*", "format": "nope", "runtime": "/j"},
           {"path": "/g/*", "format": "wasm", "runtime": "/j"},
           {"runtime": "/j"},
           {"path": "/g/*", "runtime": "/j", "order": 1}]})";
  std::string e = error_of(text);
  CHECK_THAT(e, Catch::Contains(at(text, "\"games/*\"") + ": a pin's path must be an absolute path, not \"games/*\""));
  CHECK_THAT(e, Catch::Contains(at(text, "{\"path\": \"/g/*\", \"runtime\": \"/elsewhere\"") +
                                ": the pinned runtime /elsewhere is not a runtime candidate of any format"));
  CHECK_THAT(e, Catch::Contains(at(text, "\"nope\"") + ": unknown format id \"nope\""));
  CHECK_THAT(e, Catch::Contains(at(text, "{\"path\": \"/g/*\", \"format\": \"wasm\"") +
                                ": the pinned runtime /j is not a runtime candidate of wasm"));
  CHECK_THAT(e, Catch::Contains(at(text, "{\"runtime\": \"/j\"}") + ": a pin needs a \"path\" (a glob) and a \"runtime\""));
  CHECK_THAT(e, Catch::Contains(at(text, "\"order\"") + ": unknown key \"order\""));
  CHECK_THAT(error_of(R"({"version": 1, "pins": {}})"), Catch::Contains("reg.json:1:24: \"pins\" must be an array"));
}
