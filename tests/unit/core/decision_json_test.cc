#include "scarlet/decision_json.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace scarlet;

TEST_CASE("decision_json: a runnable plan", "[json]") {
  Decision d;
  d.detection = {"elf:aarch64", "elf", {{"class", "ELF64"}}, {}};
  d.plan.chain.push_back({"elf:aarch64", "/usr/bin/qemu-aarch64-static", "/usr/bin/qemu-aarch64-static",
                          "/usr/bin/qemu-aarch64-static", "native", {{"/usr/bin/qemu-aarch64", "not installed"}}});
  d.plan.argv = {"/usr/bin/qemu-aarch64-static", "-0", "p", "/dev/fd/3"};
  d.plan.env = {{"QEMU_LD_PREFIX", "/usr/aarch64-linux-gnu"}};
  auto j = nlohmann::json::parse(decision_to_json("./p", d));
  CHECK(j["file"] == "./p");
  CHECK(j["format"] == "elf:aarch64");
  CHECK(j["native"] == false);
  CHECK(j["module"] == "elf");
  CHECK(j["runtime"] == "/usr/bin/qemu-aarch64-static");
  CHECK(j["argv"][3] == "/dev/fd/3");
  CHECK(j["env"]["QEMU_LD_PREFIX"] == "/usr/aarch64-linux-gnu");
  CHECK(j["chain"][0]["skipped"][0]["reason"] == "not installed");
  CHECK(j["exit_code"] == 0);
  CHECK_FALSE(j.contains("reason"));
}

TEST_CASE("decision_json: a refusal carries the reason and no argv", "[json]") {
  Decision d;
  d.status = Status::error(Code::not_found, "msdos program, but no runtime is installed (tried dosbox)");
  d.detection = {"msdos", "msdos", {}, {}};
  auto j = nlohmann::json::parse(decision_to_json("g.exe", d));
  CHECK(j["reason"] == "msdos program, but no runtime is installed (tried dosbox)");
  CHECK(j["argv"].is_null());
  CHECK(j["runtime"].is_null());
  CHECK(j["exit_code"] == 127);
}

TEST_CASE("decision_json: resources, their rlimit stand-ins and what rlimits cannot say", "[json][resources]") {
  Decision d;
  d.detection = {"elf:aarch64", "elf", {}, {}};
  d.plan.resources = {400ull << 20, 16, 50, 20};
  auto j = nlohmann::json::parse(decision_to_json("./p", d));
  CHECK(j["resources"]["settings"] == nlohmann::json{{"memory", 400ull << 20}, {"tasks", 16}, {"cpu_quota", "50%"}, {"cpu_weight", 20}});
  CHECK(j["resources"]["text"] == "memory=400M tasks=16 cpu_quota=50% cpu_weight=20");
  CHECK(j["resources"]["fallback_limits"] == nlohmann::json{{"as", 400ull << 20}, {"nproc", "the user's tasks + 16"}});
  CHECK(j["resources"]["not_by_rlimits"] == nlohmann::json{"cpu_quota", "cpu_weight"});
  d.plan.resources = {};
  CHECK(nlohmann::json::parse(decision_to_json("./p", d))["resources"] == nlohmann::json::object());
}

TEST_CASE("decision_json: each link says which rule chose its runtime and how each condition went", "[json][selection]") {
  Decision d;
  d.detection = {"pe:i386", "pe", {{"pe", "PE32"}}, {}};
  ChainLink link{"pe:i386", "/usr/lib/wine/wine", "/usr/lib/wine/wine", "/usr/lib/wine/wine", "native", {}};
  link.chosen_by = "pinned by reg.json:3:14 (/games/*)";
  link.conditions = {{"/usr/lib/wine/wine64", {{"pe is PE32+, but the program's is PE32", false}}},
                     {"/usr/lib/wine/wine", {{"pe is PE32", true}}}};
  d.plan.chain.push_back(link);
  auto j = nlohmann::json::parse(decision_to_json("g.exe", d));
  CHECK(j["chain"][0]["chosen_by"] == "pinned by reg.json:3:14 (/games/*)");
  CHECK(j["chain"][0]["conditions"][0]["runtime"] == "/usr/lib/wine/wine64");
  CHECK(j["chain"][0]["conditions"][0]["conditions"][0]["condition"] == "pe is PE32+, but the program's is PE32");
  CHECK(j["chain"][0]["conditions"][0]["conditions"][0]["held"] == false);
  CHECK(j["chain"][0]["conditions"][1]["conditions"][0]["held"] == true);
}
