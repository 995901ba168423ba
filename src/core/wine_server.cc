#include "scarlet/wine_server.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "scarlet/unique_fd.h"

namespace scarlet {
namespace {

// Debian's Wine keeps the server under a random /tmp/wine-XXXXXX directory
// (its security patch against a predictable /tmp path) and writes that name
// into PREFIX/wineserver; upstream Wine uses /tmp/.wine-UID.
std::string server_root(const std::string& prefix, uid_t uid) {
  UniqueFd fd(::open((prefix + "/wineserver").c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd) {
    char name[64] = {};
    ssize_t n = ::read(fd.get(), name, sizeof name - 1);
    while (n > 0 && (name[n - 1] == '\n' || name[n - 1] == '\0')) --n;
    bool plain = n > 5 && std::strncmp(name, "wine-", 5) == 0;
    for (ssize_t i = 0; plain && i < n; ++i)
      plain = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9') || name[i] == '-' || name[i] == '_';
    if (plain) return "/tmp/" + std::string(name, static_cast<std::size_t>(n));
  }
  return "/tmp/.wine-" + std::to_string(uid);
}

// Up to 4 KiB of a /proc file (whose size stat reports as 0).
std::string read_proc(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  char buf[4096];
  ssize_t n = fd ? ::read(fd.get(), buf, sizeof buf) : -1;
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

Result<std::string> wine_server_dir(const std::string& prefix, uid_t uid) {
  struct stat st {};
  if (::stat(prefix.c_str(), &st) != 0) return Status::from_errno(errno, prefix);
  char leaf[64];
  std::snprintf(leaf, sizeof leaf, "/server-%" PRIx64 "-%" PRIx64, static_cast<std::uint64_t>(st.st_dev),
                static_cast<std::uint64_t>(st.st_ino));
  return server_root(prefix, uid) + leaf;
}

Result<pid_t> wine_server_pid(const std::string& prefix, uid_t uid) {
  auto dir = wine_server_dir(prefix, uid);
  if (!dir.ok()) return dir.status();
  UniqueFd fd(::open((*dir + "/lock").c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return errno == ENOENT ? Result<pid_t>(pid_t{0}) : Result<pid_t>(Status::from_errno(errno, *dir + "/lock"));
  // The server holds a write lock on the lock file's first byte as long as
  // it runs (Wine's server/request.c); F_GETLK names the holder.
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 1;
  if (::fcntl(fd.get(), F_GETLK, &fl) != 0) return Status::from_errno(errno, *dir + "/lock");
  return fl.l_type == F_UNLCK ? pid_t{0} : fl.l_pid;
}

bool is_wineserver_of(pid_t pid, uid_t uid) {
  if (pid <= 0) return false;
  std::string proc = "/proc/" + std::to_string(pid);
  std::string comm = read_proc(proc + "/comm");
  std::string status = read_proc(proc + "/status");
  auto at = status.find("\nUid:\t");
  unsigned real = 0;
  return comm.starts_with("wineserver") && at != std::string::npos &&
         std::sscanf(status.c_str() + at + 6, "%u", &real) == 1 && real == uid;
}

}  // namespace scarlet
