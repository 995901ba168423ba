#include "scarlet/wine_server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cinttypes>
#include <cstdio>

#include "scarlet/unique_fd.h"
#include "support/temp_dir.h"

using namespace scarlet;
using scarlet::test::TempDir;

namespace {

std::string leaf(const std::string& prefix) {
  struct stat st {};
  REQUIRE(::stat(prefix.c_str(), &st) == 0);
  char out[64];
  std::snprintf(out, sizeof out, "server-%" PRIx64 "-%" PRIx64, static_cast<std::uint64_t>(st.st_dev),
                static_cast<std::uint64_t>(st.st_ino));
  return out;
}

}  // namespace

TEST_CASE("wine_server: upstream's /tmp/.wine-UID, or the directory Debian's Wine names in the prefix", "[wine_server]") {
  TempDir prefix;
  auto upstream = wine_server_dir(prefix.path(), 1234);
  REQUIRE(upstream.ok());
  CHECK(*upstream == "/tmp/.wine-1234/" + leaf(prefix.path()));
  prefix.write("wineserver", "wine-AbC123");
  CHECK(*wine_server_dir(prefix.path(), 1234) == "/tmp/wine-AbC123/" + leaf(prefix.path()));
  // Anything but a plain wine-XXXXXX name is not followed anywhere.
  prefix.write("wineserver", "wine-../../etc");
  CHECK(*wine_server_dir(prefix.path(), 1234) == "/tmp/.wine-1234/" + leaf(prefix.path()));
  CHECK(wine_server_dir(prefix.path() + "/missing", 1234).status().code() == Code::not_found);
}

TEST_CASE("wine_server: the pid holding the server lock, 0 when none", "[wine_server]") {
  TempDir prefix, tmp;
  // A Debian-style prefix whose server directory is a scratch one under /tmp.
  std::string name = tmp.path().substr(tmp.path().rfind('/') + 1);  // scarlet-test-XXXXXX
  REQUIRE(::symlink(tmp.path().c_str(), ("/tmp/wine-" + name.substr(name.rfind('-') + 1)).c_str()) == 0);
  std::string root = "/tmp/wine-" + name.substr(name.rfind('-') + 1);
  prefix.write("wineserver", root.substr(5));
  CHECK(*wine_server_pid(prefix.path(), ::getuid()) == 0);  // no lock file: Wine never ran
  std::string lock = tmp.write(leaf(prefix.path()) + "/lock", "");
  CHECK(*wine_server_pid(prefix.path(), ::getuid()) == 0);  // nobody holds it

  int go[2];
  REQUIRE(::pipe(go) == 0);
  pid_t child = ::fork();
  if (child == 0) {  // a stand-in server: holds the lock until the pipe closes
    int fd = ::open(lock.c_str(), O_RDWR);
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_len = 1;
    ::fcntl(fd, F_SETLK, &fl);
    ::close(go[1]);
    char c;
    ::read(go[0], &c, 1);
    ::_exit(0);
  }
  ::close(go[0]);
  pid_t seen = 0;
  for (int i = 0; i < 200 && seen == 0; ++i, ::usleep(10000)) seen = *wine_server_pid(prefix.path(), ::getuid());
  CHECK(seen == child);
  CHECK_FALSE(is_wineserver_of(child, ::getuid()));  // not named wineserver
  CHECK_FALSE(is_wineserver_of(0, ::getuid()));
  ::close(go[1]);
  ::waitpid(child, nullptr, 0);
  CHECK(*wine_server_pid(prefix.path(), ::getuid()) == 0);
  ::unlink(root.c_str());
}
