// What TransientScopes says when it cannot make a scope. The scopes
// themselves are made under the real systemd of the system test
// (tests/system/check-in-container); a unit test must not make any.
#include "daemon/transient_scope.h"

#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/temp_dir.h"

using namespace scarlet;
using namespace scarlet::daemon;
using namespace scarlet::test;

namespace {
const ResourceControl kSome{64ull << 20, 8, {}, {}};
}  // namespace

TEST_CASE("transient scope: nothing asked, nothing made", "[resources]") {
  TransientScopes scopes("unix:path=/nonexistent/bus");
  Placement p = scopes.place({::getpid(), ::getuid(), -1, "x"}, {});
  CHECK(p.unit.empty());
  CHECK(p.why_not.empty());
}

TEST_CASE("transient scope: a process outside the daemon's pid namespace gets none, and says so", "[resources]") {
  TransientScopes scopes("unix:path=/nonexistent/bus");
  Placement p = scopes.place({0, 1000, -1, "x"}, kSome);
  CHECK(p.unit.empty());
  CHECK(p.why_not == "the program's process is not in the daemon's pid namespace");
}

TEST_CASE("transient scope: a peer whose connection is gone is not moved (its pid may be another's)", "[resources]") {
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  ::close(pair[1]);  // the peer hung up
  TransientScopes scopes("unix:path=/nonexistent/bus");
  Placement p = scopes.place({::getpid(), ::getuid(), pair[0], "x"}, kSome);
  ::close(pair[0]);
  CHECK(p.why_not == "the program's process has gone");
}

TEST_CASE("transient scope: no systemd to reach is said, and describe says rlimits stand in", "[resources]") {
  TransientScopes scopes("unix:path=/nonexistent/bus");
  Placement p = scopes.place({::getpid(), ::getuid(), -1, "x"}, kSome);
  CHECK(p.unit.empty());
  if (::geteuid() == 0) {
    CHECK(p.why_not == "systemd is not reachable at unix:path=/nonexistent/bus (No such file or directory)");
    CHECK(scopes.describe() == "no systemd scope: " + p.why_not + "; rlimits stand in");
  } else {
    CHECK(p.why_not == "the daemon is not root, and only root may make scopes for other users");
  }
  CHECK(NoScopes("told so").describe() == "no systemd scope: told so; rlimits stand in");
}
