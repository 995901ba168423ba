#include "private_path.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include "scarlet/unique_fd.h"

namespace scarlet::sandbox {
namespace {

std::string parent_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

struct DirEntry {
  std::string name;
  mode_t mode;
};

Result<std::vector<DirEntry>> entries_of(int dir_fd, const std::string& dir) {
  UniqueFd listing(::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  DIR* d = listing ? ::fdopendir(listing.get()) : nullptr;
  if (!d) return Status::from_errno(errno, "read " + dir);
  listing.release();  // the DIR owns it now
  std::vector<DirEntry> out;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (::fstatat(dir_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) out.push_back({name, st.st_mode});
  }
  ::closedir(d);
  return out;
}

// Covers `dir` with a tmpfs that shows what `dir` showed but `skip`: each
// entry bound (with its submounts) from the covered directory, reached
// through an fd opened before it was covered; symbolic links copied.
Status shadow(const std::string& dir, const std::string& skip) {
  UniqueFd original(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  struct stat st {};
  if (!original || ::fstat(original.get(), &st) != 0) return Status::from_errno(errno, dir);
  auto entries = entries_of(original.get(), dir);
  if (!entries.ok()) return entries.status();
  char options[32];
  std::snprintf(options, sizeof options, "mode=%o", st.st_mode & 07777);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
    return Status::from_errno(errno, "mount a private tmpfs on " + dir);
  const std::string base = dir == "/" ? "" : dir;
  const std::string from = "/proc/self/fd/" + std::to_string(original.get()) + "/";
  for (const auto& e : *entries) {
    if (e.name == skip) continue;
    const std::string target = base + "/" + e.name;
    if (S_ISLNK(e.mode)) {
      char link[PATH_MAX];
      ssize_t n = ::readlinkat(original.get(), e.name.c_str(), link, sizeof link - 1);
      if (n < 0 || ::symlink(std::string(link, static_cast<std::size_t>(n)).c_str(), target.c_str()) != 0)
        return Status::from_errno(errno, "copy the link " + target);
      continue;
    }
    if (S_ISDIR(e.mode) ? ::mkdir(target.c_str(), e.mode & 07777) != 0
                        : UniqueFd(::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)).get() < 0)
      return Status::from_errno(errno, "make " + target);
    // What this user may not reach (another user's 0700 directory) stays
    // unreachable: absent here rather than an empty stand-in.
    if (::mount((from + e.name).c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
      if (errno != EACCES && errno != EPERM) return Status::from_errno(errno, "show " + target + " again");
      S_ISDIR(e.mode) ? ::rmdir(target.c_str()) : ::unlink(target.c_str());
    }
  }
  return {};
}

// Makes `path` a new, empty directory of this namespace's own, with every
// missing directory above it, inside a shadow of its nearest existing
// ancestor. Even where the host has `path`, it is made anew rather than
// mounted over: the host removing its own (a package purged) would take a
// mount on it away in every namespace.
Status make_privately(const std::string& path) {
  std::vector<std::string> missing = {path};
  std::string at = parent_of(path);
  while (!exists(at)) {
    missing.push_back(at);
    at = parent_of(at);
  }
  const std::string& top = missing.back();
  if (Status s = shadow(at, top.substr(top.find_last_of('/') + 1)); !s.ok()) return s;
  for (auto it = missing.rbegin(); it != missing.rend(); ++it)
    if (::mkdir(it->c_str(), 0755) != 0) return Status::from_errno(errno, "make " + *it);
  return {};
}

}  // namespace

Status mount_private_dir(const std::string& path, const std::string& source) {
  if (path.empty() || path[0] != '/') return Status::error(Code::invalid, "not an absolute path: " + path);
  if (path == "/") return Status::error(Code::invalid, "cannot make / private");
  if (Status s = make_privately(path); !s.ok()) return s;
  if (!source.empty() && ::mount(source.c_str(), path.c_str(), nullptr, MS_BIND, nullptr) != 0)
    return Status::from_errno(errno, "mount " + source + " on " + path);
  return {};
}

}  // namespace scarlet::sandbox
