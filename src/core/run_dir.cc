#include "scarlet/run_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "scarlet/build_config.h"

namespace scarlet {

std::string requested_run_dir() {
  const char* env = std::getenv("SCARLET_RUNDIR");
  return env && *env == '/' ? env : kDefaultRunDir;
}

std::string run_dir(bool secure) {
  if (secure) return kDefaultRunDir;
  std::string dir = requested_run_dir();
  // A directory this root does not have (a chroot) still names the daemon's
  // abstract socket, whose listener must be root; files there are checked
  // one by one (believable_file) if they appear.
  struct stat st {};
  const bool absent = ::stat(dir.c_str(), &st) != 0 && errno == ENOENT;
  return dir == kDefaultRunDir || absent || believable_file(dir) ? dir : kDefaultRunDir;
}

bool believable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && believable_owner(st.st_uid, ::getuid()) && (st.st_mode & 022) == 0;
}

}  // namespace scarlet
