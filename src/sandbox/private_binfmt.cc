#include "private_binfmt.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
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

// Root maps every id as it is, so the sandbox keeps real users and owners
// (setuid programs, files of other users). Only a process still in the
// parent namespace may write such a map, so a child writes it for us.
Status unshare_mapping_all_ids() {
  int go[2];
  if (::pipe2(go, O_CLOEXEC) != 0) return Status::from_errno(errno, "pipe");
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) return Status::from_errno(errno, "fork");
  if (child == 0) {
    ::close(go[1]);
    char c;
    if (::read(go[0], &c, 1) != 1) ::_exit(1);  // the parent could not unshare
    const std::string proc = "/proc/" + std::to_string(parent);
    bool ok = write_proc(proc + "/uid_map", "0 0 4294967295").ok() && write_proc(proc + "/gid_map", "0 0 4294967295").ok();
    ::_exit(ok ? 0 : 1);
  }
  ::close(go[0]);
  Status unshared;
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) unshared = Status::from_errno(errno, "unshare(user and mount namespaces)");
  else [[maybe_unused]] auto n = ::write(go[1], "x", 1);
  ::close(go[1]);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!unshared.ok()) return unshared;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return Status::error(Code::io, "cannot write the sandbox's id maps");
  return {};
}

// Everyone else may map only their own ids into a namespace they just
// entered: one line each, as uid 0 inside. Other owners show as the overflow id.
Status unshare_mapping_self() {
  const uid_t uid = ::getuid();
  const gid_t gid = ::getgid();
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) return Status::from_errno(errno, "unshare(user and mount namespaces)");
  if (Status s = write_proc("/proc/self/setgroups", "deny"); !s.ok()) return s;
  if (Status s = write_proc("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1"); !s.ok()) return s;
  return write_proc("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
}

}  // namespace

Status enter_private_binfmt(const std::string& binfmt_dir) {
  if (Status s = ::getuid() == 0 ? unshare_mapping_all_ids() : unshare_mapping_self(); !s.ok()) return s;
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return Status::from_errno(errno, "make / private");
  if (::mount("binfmt_misc", binfmt_dir.c_str(), "binfmt_misc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    return Status::from_errno(errno, "mount binfmt_misc on " + binfmt_dir + " (needs Linux 6.7 or later)");
  return {};
}

}  // namespace scarlet::sandbox
