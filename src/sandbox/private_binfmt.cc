#include "private_binfmt.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>

#include "scarlet/unique_fd.h"

namespace scarlet::sandbox {
namespace {

Status write_proc(const std::string& path, const std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return Status::from_errno(errno, path);
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) return Status::from_errno(errno, path);
  return {};
}

}  // namespace

Status enter_private_binfmt(const std::string& binfmt_dir) {
  const uid_t uid = ::getuid();
  const gid_t gid = ::getgid();
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) return Status::from_errno(errno, "unshare(user and mount namespaces)");
  // A process may map only its own ids into a namespace it just entered: one
  // line each. For root that keeps root-owned runtimes root-owned inside;
  // other owners show as the overflow id.
  if (Status s = write_proc("/proc/self/setgroups", "deny"); !s.ok()) return s;
  if (Status s = write_proc("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1"); !s.ok()) return s;
  if (Status s = write_proc("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"); !s.ok()) return s;
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return Status::from_errno(errno, "make / private");
  if (::mount("binfmt_misc", binfmt_dir.c_str(), "binfmt_misc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    return Status::from_errno(errno, "mount binfmt_misc on " + binfmt_dir + " (needs Linux 6.7 or later)");
  return {};
}

}  // namespace scarlet::sandbox
