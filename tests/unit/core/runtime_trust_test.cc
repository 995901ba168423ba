#include "scarlet/runtime_trust.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/temp_dir.h"

using namespace scarlet;
using namespace scarlet::test;

// These tests change owners, so they run as root (as ./scripts/test does).

namespace {
const TrustPolicy kRoot{{0}};
}

TEST_CASE("runtime_trust: a root-owned executable in root-owned directories is trusted", "[trust]") {
  REQUIRE(::getuid() == 0);
  TempDir dir;  // under /tmp: world-writable but sticky, so a root-owned entry cannot be replaced
  std::string rt = dir.write("bin/rt", "#!/bin/sh\n", 0755);
  auto r = trusted_runtime_path(rt, kRoot);
  REQUIRE(r.ok());
  CHECK(*r == rt);
  CHECK(trusted_runtime_path("/bin/sh", kRoot).ok());
}

TEST_CASE("runtime_trust: relative, missing and non-executable paths", "[trust]") {
  TempDir dir;
  CHECK(trusted_runtime_path("bin/sh", kRoot).status().message() == "not an absolute path");
  auto missing = trusted_runtime_path(dir.path() + "/nope", kRoot);
  CHECK(missing.status().code() == Code::not_found);
  CHECK(missing.status().message() == "not installed");
  CHECK(trusted_runtime_path(dir.write("file", "x", 0644) + "/below", kRoot).status().code() == Code::not_found);
  CHECK(trusted_runtime_path(dir.write("plain", "x", 0644), kRoot).status().message() == dir.path() + "/plain is not executable");
  CHECK(trusted_runtime_path(dir.path(), kRoot).status().message() == dir.path() + " is not a regular file");
}

TEST_CASE("runtime_trust: files or directories others can write are refused", "[trust]") {
  REQUIRE(::getuid() == 0);
  TempDir dir;
  std::string rt = dir.write("rt", "#!/bin/sh\n", 0775);
  auto r = trusted_runtime_path(rt, kRoot);
  CHECK(r.status().code() == Code::refused);
  CHECK(r.status().message() == rt + " is writable by group or others");
  std::string in_open_dir = dir.write("open/rt", "#!/bin/sh\n", 0755);
  ::chmod((dir.path() + "/open").c_str(), 0777);  // world-writable, not sticky
  CHECK(trusted_runtime_path(in_open_dir, kRoot).status().message() == dir.path() + "/open is writable by group or others");
}

TEST_CASE("runtime_trust: files owned by another user are refused", "[trust]") {
  REQUIRE(::getuid() == 0);
  TempDir dir;
  std::string rt = dir.write("rt", "#!/bin/sh\n", 0755);
  REQUIRE(::chown(rt.c_str(), 1000, 1000) == 0);
  CHECK(trusted_runtime_path(rt, kRoot).status().message() == rt + " is owned by uid 1000, not root");
  CHECK(trusted_runtime_path(rt, TrustPolicy{{0, 1000}}).ok());
}

TEST_CASE("runtime_trust: symlinks are followed, and each link is checked", "[trust]") {
  REQUIRE(::getuid() == 0);
  TempDir dir;
  std::string real = dir.write("lib/jvm/bin/java", "#!/bin/sh\n", 0755);
  // bin/java -> <dir>/alt (absolute) -> lib/jvm/bin/java (relative), as with Debian's alternatives.
  REQUIRE(::symlink("lib/jvm/bin/java", (dir.path() + "/alt").c_str()) == 0);
  REQUIRE(::mkdir((dir.path() + "/bin").c_str(), 0755) == 0);
  REQUIRE(::symlink((dir.path() + "/alt").c_str(), (dir.path() + "/bin/java").c_str()) == 0);
  auto r = trusted_runtime_path(dir.path() + "/bin/java", kRoot);
  REQUIRE(r.ok());
  CHECK(*r == real);

  // A link owned by someone else could be repointed: refused.
  REQUIRE(::lchown((dir.path() + "/alt").c_str(), 1000, 1000) == 0);
  CHECK(trusted_runtime_path(dir.path() + "/bin/java", kRoot).status().message() ==
        dir.path() + "/alt is owned by uid 1000, not root");

  REQUIRE(::symlink("loop2", (dir.path() + "/loop1").c_str()) == 0);
  REQUIRE(::symlink("loop1", (dir.path() + "/loop2").c_str()) == 0);
  CHECK(trusted_runtime_path(dir.path() + "/loop1", kRoot).status().message() == "too many symbolic links");
}

TEST_CASE("runtime_trust: the host's root is trusted in the initial user namespace", "[trust]") {
  auto p = TrustPolicy::detect();
  CHECK(std::find(p.owners.begin(), p.owners.end(), 0u) != p.owners.end());
}
