// The service without the kernel table (binfmt_dir empty) and without a
// socket: requests in, reply frames out.
#include "daemon/service.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "scarlet/run_dir.h"
#include "support/temp_dir.h"

using namespace scarlet;
using namespace scarlet::daemon;
using namespace scarlet::test;

namespace {

struct Fixture {
  TempDir dir;
  std::ostringstream logged;  // the daemon's log, at debug level
  std::vector<std::string> notified;
  std::unique_ptr<Service> service;

  Fixture() {
    dir.write("bin/rt", "#!/bin/sh\n", 0755);
    write_registry(R"("args": ["{binary}", "{args}"])");
    ServiceOptions o{dir.path() + "/registry.json", dir.path(), dir.path() + "/shim", "", false, 16};
    auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_st>(logged));
    log->set_pattern("%l: %v");
    log->set_level(spdlog::level::debug);
    service = std::make_unique<Service>(o, log, [this](const std::string& s) { notified.push_back(s); });
    REQUIRE(service->start().ok());
  }
  void write_registry(const std::string& args) {
    dir.write("registry.json", R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}],
      "formats": {"rule:bench": {"runtimes": [{"path": ")" + dir.path() + R"(/bin/rt", )" + args + "}]}}}");
  }
  wire::DecideReply decide(const std::string& path, uid_t uid = 1000, int flags = O_RDONLY) {
    UniqueFd fd(::open(path.c_str(), flags));
    std::string frame = wire::encode(wire::DecideRequest{path, std::nullopt, 3, {}});
    std::string reply = service->handle(Peer{1, uid, uid}, {wire::Type::decide, frame.substr(wire::kHeaderSize)}, std::move(fd)).frame;
    return *wire::decode_decide_reply(reply.substr(wire::kHeaderSize));
  }
  wire::TextReply admin(wire::Type type, uid_t uid) {
    std::string reply = service->handle(Peer{1, uid, uid}, {type, ""}, UniqueFd()).frame;
    return *wire::decode_text_reply(reply.substr(wire::kHeaderSize));
  }
};

}  // namespace

TEST_CASE("service: decides from the passed fd and caches successes", "[service]") {
  Fixture f;
  std::string prog = f.dir.write("prog", "SCARLETB", 0755);
  auto r = f.decide(prog);
  CHECK(r.exit_code == 0);
  CHECK(r.argv == std::vector<std::string>{f.dir.path() + "/bin/rt", prog});
  CHECK(r.args_at == 2);
  f.decide(prog);
  CHECK(f.service->counters().cache_hits == 1);
  std::string other = f.dir.write("other", "nothing known", 0755);
  CHECK(f.decide(other).exit_code == 126);
  CHECK(f.service->counters().refusals == 1);
  CHECK(f.notified.front().starts_with("STATUS=Serving"));
  // One debug line per dispatch, whether decided, cached or refused.
  CHECK(f.logged.str().find("debug: " + prog + ": rule:bench -> " + f.dir.path() + "/bin/rt\n"
                            "debug: " + prog + ": as decided before (cached)\n"
                            "debug: " + other + ": not a kind of program scarlet-dispatch knows\n") != std::string::npos);
  // The shim falls back on exactly this registry.
  CHECK(read_file(snapshot_path(f.dir.path())).find("SCARLETB") != std::string::npos);
}

TEST_CASE("service: a decide request without a file is refused", "[service]") {
  Fixture f;
  std::string frame = wire::encode(wire::DecideRequest{"/p", std::nullopt, 3, {}});
  std::string reply = f.service->handle(Peer{}, {wire::Type::decide, frame.substr(wire::kHeaderSize)}, UniqueFd()).frame;
  auto r = wire::decode_decide_reply(reply.substr(wire::kHeaderSize));
  CHECK(r->exit_code == 126);
  CHECK(r->message == "no regular file was passed with the request");
}

TEST_CASE("service: reload swaps the registry, or keeps it when the new one is bad", "[service]") {
  Fixture f;
  std::string prog = f.dir.write("prog", "SCARLETB", 0755);
  f.decide(prog);
  f.write_registry(R"("args": ["--new", "{binary}"])");
  CHECK(f.admin(wire::Type::reload, 0).text == "reloaded");
  CHECK(f.decide(prog).argv[1] == "--new");  // and the cache was dropped
  // The service manager hears of the reload and of its end, good or bad.
  REQUIRE(f.notified.size() == 3);
  CHECK(f.notified.at(1) == "RELOADING=1");
  CHECK(f.notified.at(2).starts_with("READY=1\nSTATUS=Serving"));

  f.dir.write("registry.json", "{ broken");
  auto bad = f.admin(wire::Type::reload, 0);
  CHECK(bad.exit_code == 1);
  CHECK(bad.text.starts_with(f.dir.path() + "/registry.json:1:3: syntax error"));
  CHECK(f.decide(prog).argv[1] == "--new");  // the previous registry stays in force
  REQUIRE(f.notified.size() == 5);
  CHECK(f.notified.at(3) == "RELOADING=1");
  CHECK(f.notified.at(4) == "READY=1\nSTATUS=Reload refused (bad registry); the previous one stays in force");
  auto status = nlohmann::json::parse(f.admin(wire::Type::status, 0).text);
  CHECK(status["registry"]["last_reload_error"].get<std::string>().find("syntax error") != std::string::npos);
  CHECK(status["counters"]["reload_failures"] == 1);
  CHECK(status["counters"]["reloads"] == 1);
  CHECK(status["counters"]["errors"] == 1);
}

TEST_CASE("service: admin requests are for root only", "[service]") {
  Fixture f;
  for (auto type : {wire::Type::status, wire::Type::reload}) {
    auto r = f.admin(type, 1000);
    CHECK(r.exit_code == 126);
    CHECK(r.text == "permission denied: only root may do that");
  }
  CHECK(f.service->counters().admin_denied == 2);
  auto status = nlohmann::json::parse(f.admin(wire::Type::status, 0).text);
  CHECK(status["counters"]["errors"] == 2);
  for (const char* key : {"pid", "socket", "entries", "runtimes", "counters", "registry", "other_entries"})
    CHECK(status.contains(key));
}

TEST_CASE("service: a refusal of the file itself is cached, a missing runtime is not (issue 11, finding 5)", "[service]") {
  Fixture f;
  std::string hostile = f.dir.write("hostile", "nothing known", 0755);
  CHECK(f.decide(hostile).exit_code == 126);
  CHECK(f.decide(hostile).exit_code == 126);
  CHECK(f.service->counters().cache_hits == 1);  // decided once
  CHECK(f.service->counters().refusals == 1);

  ::unlink((f.dir.path() + "/bin/rt").c_str());
  std::string prog = f.dir.write("prog", "SCARLETB", 0755);
  CHECK(f.decide(prog).exit_code == 127);
  f.dir.write("bin/rt", "#!/bin/sh\n", 0755);  // installing the runtime takes effect at once
  CHECK(f.decide(prog).exit_code == 0);
  CHECK(f.service->counters().cache_hits == 1);
}

TEST_CASE("service: an fd not open for reading is refused before the cache is asked (issue 11, finding 7)", "[service]") {
  Fixture f;
  std::string prog = f.dir.write("prog", "SCARLETB", 0755);
  REQUIRE(f.decide(prog).exit_code == 0);  // cached now, for a reader
  auto r = f.decide(prog, 1000, O_PATH);
  CHECK(r.exit_code == 126);
  CHECK(r.message == "the file passed with the request is not open for reading");
  CHECK(f.service->counters().cache_hits == 0);
}

namespace {

// Records what it was asked and places as told.
struct FakeScopes : ScopeMaker {
  Placement answer;
  std::vector<ScopeSubject> asked;
  std::vector<ResourceControl> limits;
  Placement place(const ScopeSubject& s, const ResourceControl& rc) override {
    asked.push_back(s);
    limits.push_back(rc);
    return answer;
  }
  std::string describe() override { return "fake scopes"; }
};

struct ResourcesFixture {
  TempDir dir;
  std::ostringstream logged;
  std::shared_ptr<FakeScopes> scopes = std::make_shared<FakeScopes>();
  std::unique_ptr<Service> service;
  std::string prog;

  ResourcesFixture() {
    dir.write("bin/rt", "#!/bin/sh\n", 0755);
    dir.write("registry.json", R"({"version": 1, "rules": [{"name": "bench", "magic": "SCARLETB"}],
      "formats": {"rule:bench": {"resources": {"memory": "64M", "tasks": 5, "cpu_quota": "20%"}, "limits": {"nofile": 10},
                                 "runtimes": [{"path": ")" + dir.path() + R"(/bin/rt"}]}}})");
    ServiceOptions o{dir.path() + "/registry.json", dir.path(), dir.path() + "/shim", "", false, 16, scopes};
    auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_st>(logged));
    log->set_pattern("%l: %v");
    service = std::make_unique<Service>(o, log, [](const std::string&) {});
    REQUIRE(service->start().ok());
    logged.str("");  // only what decisions log
    prog = dir.write("prog", "SCARLETB", 0755);
  }
  // A uid with no processes, so that RLIMIT_NPROC's stand-in is the limit itself.
  wire::DecideReply decide(pid_t pid = 4321, uid_t uid = 54321) {
    UniqueFd fd(::open(prog.c_str(), O_RDONLY));
    std::string frame = wire::encode(wire::DecideRequest{prog, std::nullopt, 3, {}});
    std::string reply = service->handle(Peer{pid, uid, uid, 7}, {wire::Type::decide, frame.substr(wire::kHeaderSize)}, std::move(fd)).frame;
    return *wire::decode_decide_reply(reply.substr(wire::kHeaderSize));
  }
};

}  // namespace

TEST_CASE("service: a format's resources go to a scope for the peer's process, every exec, before the reply", "[service][resources]") {
  ResourcesFixture f;
  f.scopes->answer = Placement{"scarlet-4321-0000abcd.scope", "", true, false, false};
  auto r = f.decide();
  CHECK(r.exit_code == 0);
  REQUIRE(f.scopes->asked.size() == 1);
  CHECK(f.scopes->asked[0].pid == 4321);
  CHECK(f.scopes->asked[0].uid == 54321);
  CHECK(f.scopes->asked[0].connection == 7);
  CHECK(f.scopes->asked[0].what == "rule:bench runtime of " + f.prog);
  CHECK(f.scopes->limits[0] == ResourceControl{64ull << 20, 5, 20, {}});
  // The scope holds memory; tasks it cannot (no pids controller): RLIMIT_NPROC.
  CHECK(r.limits == std::vector<Limit>{{"nofile", RLIMIT_NOFILE, 10}, {"nproc", RLIMIT_NPROC, 5}});
  CHECK(f.logged.str() == "info: " + f.prog + ": rule:bench resources memory=64M tasks=5 cpu_quota=20%: scope "
                          "scarlet-4321-0000abcd.scope; rlimits instead: nproc=5; not applied: cpu_quota\n");
  // Per process: never answered from the cache.
  f.decide(4322);
  CHECK(f.scopes->asked.size() == 2);
  CHECK(f.scopes->asked[1].pid == 4322);
  CHECK(f.service->counters().cache_hits == 0);
}

TEST_CASE("service: without a scope, rlimits stand in for memory and tasks and the log says why", "[service][resources]") {
  ResourcesFixture f;
  f.scopes->answer = Placement{"", "systemd is not reachable", false, false, false};
  auto r = f.decide();
  CHECK(r.limits == std::vector<Limit>{{"nofile", RLIMIT_NOFILE, 10}, {"as", RLIMIT_AS, 64ull << 20}, {"nproc", RLIMIT_NPROC, 5}});
  CHECK(f.logged.str() == "info: " + f.prog + ": rule:bench resources memory=64M tasks=5 cpu_quota=20%: no scope (systemd is "
                          "not reachable); rlimits instead: as=67108864, nproc=5; not applied: cpu_quota\n");
}

TEST_CASE("service: a scope that holds everything leaves the limits as they were", "[service][resources]") {
  ResourcesFixture f;
  f.scopes->answer = Placement{"s.scope", "", true, true, true};
  CHECK(f.decide().limits == std::vector<Limit>{{"nofile", RLIMIT_NOFILE, 10}});
  CHECK(f.logged.str() == "info: " + f.prog + ": rule:bench resources memory=64M tasks=5 cpu_quota=20%: scope s.scope\n");
}

TEST_CASE("service: explain says how resources are applied here", "[service][resources]") {
  ResourcesFixture f;
  UniqueFd fd(::open(f.prog.c_str(), O_RDONLY));
  std::string frame = wire::encode(wire::DecideRequest{f.prog, std::nullopt, 3, {}}, wire::Type::explain);
  std::string reply = f.service->handle(Peer{}, {wire::Type::explain, frame.substr(wire::kHeaderSize)}, std::move(fd)).frame;
  auto j = nlohmann::json::parse(wire::decode_text_reply(reply.substr(wire::kHeaderSize))->text);
  CHECK(j["resources"]["applied_by"] == "fake scopes");
  CHECK(j["resources"]["text"] == "memory=64M tasks=5 cpu_quota=20%");
  CHECK(f.scopes->asked.empty());  // explaining places nothing
}
