#include "sysroot_link.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace scarlet::daemon {

Result<std::string> link_sysroot(const Route& route) {
  if (route.kind != Route::Kind::kernel || route.sysroot_link.empty() || route.sysroot.empty()) return std::string();
  struct stat st {};
  if (::lstat(route.sysroot_link.c_str(), &st) == 0) return std::string();
  const std::string parent = route.sysroot_link.substr(0, route.sysroot_link.rfind('/'));
  if (!parent.empty() && ::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) return Status::from_errno(errno, parent);
  if (::symlink(route.sysroot.c_str(), route.sysroot_link.c_str()) != 0) return Status::from_errno(errno, route.sysroot_link);
  return "linked " + route.sysroot_link + " -> " + route.sysroot + " (libraries for dynamic programs)";
}

}  // namespace scarlet::daemon
