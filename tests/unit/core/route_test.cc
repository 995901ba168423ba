#include "scarlet/route.h"

#include <unistd.h>

#include <catch2/catch.hpp>

using namespace scarlet;

namespace {

const HostAbi kHost({"elf:x86_64", "elf:i386"});

// Routes of a registry whose formats are rules "a" (magic AAAA) and "b"
// (magic given), with `formats` as their entries. /bin/true stands for an
// installed, trusted runtime and its direct interpreter.
std::map<std::string, Route> routes(const std::string& formats, const std::string& b_magic = "BBBB") {
  RegistryFile f{"reg.json", R"({"version": 1, "rules": [{"name": "a", "magic": "AAAA"}, {"name": "b", "magic": ")" +
                                 b_magic + R"("}], "formats": {"rule:b": {"runtimes": []}, )" + formats + "}}"};
  auto reg = Registry::parse(std::span(&f, 1), {builtin_formats(kHost), kHost.formats(), {}});
  REQUIRE(reg.ok());
  Dispatcher d(std::make_shared<const Registry>(std::move(reg).value()), kHost, TrustPolicy{{0}});
  return plan_routes(d, kHost.formats(), "/shim", TrustPolicy{{0}});
}

const std::string kDirect = R"("runtimes": [{"path": "/bin/true", "direct": {"interpreter": "/bin/true"}}])";

}  // namespace

TEST_CASE("route: a runtime with a direct interpreter is started by the kernel itself", "[route]") {
  auto r = routes(R"("rule:a": {)" + kDirect + "}");
  REQUIRE(r.count("rule:a"));
  CHECK(r["rule:a"].kind == Route::Kind::kernel);
  CHECK(r["rule:a"].interpreter == "/bin/true");
  CHECK(r["rule:a"].flags == "PF");
  // Formats without a direct interpreter go through the shim, with their flags.
  CHECK(r["rule:b"].kind == Route::Kind::shim);
  CHECK(r["rule:b"].interpreter == "/shim");
  CHECK(r["rule:b"].flags == "POF");
  CHECK(r["rule:b"].reason == "scarlet-shim decides each exec, because no runtime of it is installed and trusted");
}

TEST_CASE("route: whatever needs the shim per exec keeps the shim", "[route]") {
  auto reason = [](const std::string& format_keys, const std::string& b_magic = "BBBB") {
    auto r = routes(R"("rule:a": {)" + format_keys + kDirect + "}", b_magic);
    CHECK(r["rule:a"].kind == Route::Kind::shim);
    return r["rule:a"].reason;
  };
  CHECK(reason(R"("flags": "POCF", )").find("it has flag C") != std::string::npos);
  CHECK(reason(R"("direct": false, )").find("the registry keeps it on the shim") != std::string::npos);
  CHECK(reason(R"("limits": {"nofile": 64}, )").find("it has limits") != std::string::npos);
  CHECK(reason(R"("resources": {"tasks": 64}, )") == "scarlet-shim decides each exec, because it has resources, which are set up per exec");
  // Another format matching the same bytes: only a module can tell them apart.
  CHECK(reason("", "AAAA").find("the same bytes as rule:b's") != std::string::npos);
}

TEST_CASE("route: an untrusted or missing direct interpreter is not used", "[route]") {
  auto r = routes(R"("rule:a": {"runtimes": [{"path": "/bin/true", "direct": {"interpreter": "/nonexistent/qemu"}}]})");
  CHECK(r["rule:a"].kind == Route::Kind::shim);
  CHECK(r["rule:a"].reason.find("its direct interpreter cannot be used") != std::string::npos);
  auto chosen_first = routes(R"("rule:a": {"runtimes": [{"path": "/bin/false"}, )" + kDirect.substr(13) + "}");
  CHECK(chosen_first["rule:a"].kind == Route::Kind::shim);  // the first installed candidate has none
  CHECK(chosen_first["rule:a"].reason.find("has no direct interpreter") != std::string::npos);
}

TEST_CASE("route: a confined format keeps the shim, which applies its policy, and confine false does not", "[route][confine]") {
  auto r = routes(R"("rule:a": {"confine": {"network": "none"}, )" + kDirect + "}");
  CHECK(r["rule:a"].kind == Route::Kind::shim);
  CHECK(r["rule:a"].reason.find("it is confined") != std::string::npos);
  r = routes(R"("rule:a": {"confine": {"network": "none"}, "runtimes": [{"path": "/bin/true", "confine": false,
               "direct": {"interpreter": "/bin/true"}}]})");
  CHECK(r["rule:a"].kind == Route::Kind::kernel);
}
