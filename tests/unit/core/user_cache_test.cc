#include "scarlet/user_cache.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/temp_dir.h"

using namespace scarlet;
using scarlet::test::TempDir;

namespace {

std::string passwd_home(uid_t uid) {
  struct passwd* pw = ::getpwuid(uid);
  return pw != nullptr ? pw->pw_dir : "";
}

}  // namespace

TEST_CASE("user_cache: XDG_CACHE_HOME when it is an absolute directory of the user's", "[user_cache]") {
  TempDir dir;
  auto own = user_cache_dir(::getuid(), dir.path().c_str());
  REQUIRE(own.ok());
  CHECK(*own == dir.path() + "/scarlet-dispatch");
  // Not made yet: its parent might be anyone's, so the passwd home serves.
  std::string later = dir.path() + "/not-yet";
  auto unmade = user_cache_dir(::getuid(), later.c_str());
  CHECK((!unmade.ok() || *unmade != later + "/scarlet-dispatch"));
}

TEST_CASE("user_cache: a relative or someone else's XDG_CACHE_HOME gives way to the passwd home", "[user_cache]") {
  std::string home = passwd_home(::getuid());
  struct stat st {};
  if (home.empty() || ::stat(home.c_str(), &st) != 0 || st.st_uid != ::getuid()) {
    WARN("the test user has no home of its own: checked below with an unknown uid instead");
    return;
  }
  auto relative = user_cache_dir(::getuid(), "relative/cache");
  REQUIRE(relative.ok());
  CHECK(*relative == home + "/.cache/scarlet-dispatch");
  if (::getuid() == 0) {
    TempDir dir;  // a directory of another uid's, as sudo -E would leave it named
    REQUIRE(::chown(dir.path().c_str(), 1000, 1000) == 0);
    auto other = user_cache_dir(0, dir.path().c_str());
    REQUIRE(other.ok());
    CHECK(*other == home + "/.cache/scarlet-dispatch");
  }
  auto ignored = user_cache_dir(::getuid(), nullptr);
  REQUIRE(ignored.ok());
  CHECK(*ignored == home + "/.cache/scarlet-dispatch");
}

TEST_CASE("user_cache: a uid with no passwd entry has no cache directory", "[user_cache]") {
  auto none = user_cache_dir(3999999, nullptr);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().code() == Code::not_found);
  CHECK(none.status().message() == "uid 3999999 has no home directory in passwd");
}
