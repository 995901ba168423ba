// `explain` on real programs from Debian packages of other architectures
// (fetched by tests/integration/fetch-debian-samples; see debian-samples.txt).
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "integration/paths.h"
#include "support/run.h"

using namespace scarlet::test;

namespace {

std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t"));
  s.erase(s.find_last_not_of(" \t") + 1);
  return s;
}

}  // namespace

TEST_CASE("debian samples: explain recognizes real foreign programs", "[debian]") {
  std::ifstream manifest(kSourceDir + "/tests/integration/debian-samples.txt");
  REQUIRE(manifest);
  std::string line;
  int checked = 0;
  while (std::getline(manifest, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream in(line);
    for (std::string f; std::getline(in, f, '|');) fields.push_back(trim(f));
    REQUIRE(fields.size() == 4);
    const std::string& spec = fields[0];
    std::string pkg = spec.substr(0, spec.find(':')), arch = spec.substr(spec.find(':') + 1);
    std::string file = kSamplesDir + "/" + arch + "/" + pkg + "/" + fields[1];
    INFO(spec << " " << fields[1]);
    RunResult r = run({kCli, "--registry", kRegistry, "explain", "--json", file});
    auto j = nlohmann::json::parse(r.out);
    if (fields[2] == "refused") {
      CHECK(r.exit_code == 126);
      CHECK(j["reason"].get<std::string>().find(fields[3]) != std::string::npos);
    } else {
      CHECK(j["format"] == fields[2]);
      CHECK(j["native"] == (fields[2] == "native"));
      // Recognized is what counts here; the runtime (Wine, say) may not be installed.
      if (r.exit_code != 0) {
        CHECK(r.exit_code == 127);
        CHECK_THAT(j["reason"].get<std::string>(), Catch::Contains("but no runtime is installed"));
      }
      std::stringstream facts(fields[3]);
      for (std::string kv; facts >> kv;) {
        auto eq = kv.find('=');
        INFO(kv);
        CHECK(j["facts"][kv.substr(0, eq)] == kv.substr(eq + 1));
      }
    }
    ++checked;
  }
  CHECK(checked >= 20);
}
