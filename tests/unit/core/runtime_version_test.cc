#include <catch2/catch.hpp>

#include "scarlet/runtime_version.h"
#include "support/temp_dir.h"

using namespace scarlet;
using namespace scarlet::test;

TEST_CASE("runtime version: the feature version from a KEY=\"value\" line", "[runtime_version]") {
  CHECK(feature_version("IMPLEMENTOR=\"Debian\"\nJAVA_VERSION=\"17.0.15\"\n", "JAVA_VERSION") == 17);
  CHECK(feature_version("JAVA_VERSION=\"25\"", "JAVA_VERSION") == 25);
  CHECK(feature_version("JAVA_VERSION=\"1.8.0_392\"\n", "JAVA_VERSION") == 8);  // Java 8 called itself 1.8
  CHECK(feature_version("JAVA_VERSION_DATE=\"2025-04-15\"\n", "JAVA_VERSION") == std::nullopt);
  CHECK(feature_version("JAVA_VERSION=\"x\"\n", "JAVA_VERSION") == std::nullopt);
  CHECK(feature_version("", "JAVA_VERSION") == std::nullopt);
}

TEST_CASE("runtime version: the version file is found beside the runtime's own directory", "[runtime_version]") {
  TempDir dir;
  dir.write("jdk/bin/java", "", 0755);
  dir.write("jdk/release", "JAVA_VERSION=\"21.0.2\"\n");
  CHECK(runtime_version(dir.path() + "/jdk/bin/java", {"../release", "JAVA_VERSION"}) == 21);
  CHECK(runtime_version(dir.path() + "/jdk/bin/java", {"../absent", "JAVA_VERSION"}) == std::nullopt);
}
