#include "scarlet/runtime_trust.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <deque>
#include <fstream>
#include <sstream>

namespace scarlet {
namespace {

constexpr int kMaxSymlinks = 40;  // as the kernel's own limit (ELOOP)

std::deque<std::string> split(const std::string& path) {
  std::deque<std::string> out;
  std::stringstream in(path);
  std::string part;
  while (std::getline(in, part, '/'))
    if (!part.empty() && part != ".") out.push_back(part);
  return out;
}

std::string parent_of(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : p.substr(0, slash);
}

}  // namespace

TrustPolicy TrustPolicy::detect() {
  TrustPolicy policy;
  std::ifstream map("/proc/self/uid_map");
  long long inside = 0, outside = 0, count = 0;
  bool root_mapped = false;
  while (map >> inside >> outside >> count)
    if (outside == 0 && count > 0) root_mapped = true;
  if (map.eof() && !root_mapped) {
    std::ifstream overflow("/proc/sys/kernel/overflowuid");
    long long uid = 65534;
    overflow >> uid;
    policy.owners.push_back(static_cast<uid_t>(uid));
  }
  return policy;
}

Result<std::string> trusted_runtime_path(const std::string& path, const TrustPolicy& policy) {
  if (path.empty() || path[0] != '/') return Result<std::string>(Code::refused, "not an absolute path");
  auto trusted_owner = [&](uid_t uid) {
    return std::find(policy.owners.begin(), policy.owners.end(), uid) != policy.owners.end();
  };
  auto check = [&](const std::string& p, const struct stat& st) -> Status {
    if (!trusted_owner(st.st_uid))
      return Status::error(Code::refused, p + " is owned by uid " + std::to_string(st.st_uid) + ", not root");
    bool sticky_dir = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX);
    if (!S_ISLNK(st.st_mode) && (st.st_mode & (S_IWGRP | S_IWOTH)) && !sticky_dir)
      return Status::error(Code::refused, p + " is writable by group or others");
    return {};
  };

  struct stat st {};
  if (::lstat("/", &st) != 0) return Status::from_errno(errno, "/");
  if (Status s = check("/", st); !s.ok()) return s;

  std::string current = "/";
  auto todo = split(path);
  int links = 0;
  while (!todo.empty()) {
    std::string part = todo.front();
    todo.pop_front();
    if (part == "..") {
      current = parent_of(current);
      continue;
    }
    std::string next = current == "/" ? "/" + part : current + "/" + part;
    if (::lstat(next.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return Result<std::string>(Code::not_found, "not installed");
      return Status::from_errno(errno, next);
    }
    if (Status s = check(next, st); !s.ok()) return s;
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxSymlinks) return Result<std::string>(Code::refused, "too many symbolic links");
      char target[PATH_MAX];
      ssize_t n = ::readlink(next.c_str(), target, sizeof target - 1);
      if (n < 0) return Status::from_errno(errno, next);
      std::string t(target, static_cast<std::size_t>(n));
      auto parts = split(t);
      todo.insert(todo.begin(), parts.begin(), parts.end());
      if (!t.empty() && t[0] == '/') current = "/";
      continue;
    }
    if (!todo.empty() && !S_ISDIR(st.st_mode)) return Result<std::string>(Code::not_found, "not installed");
    current = next;
  }
  if (!S_ISREG(st.st_mode)) return Result<std::string>(Code::refused, current + " is not a regular file");
  if (!(st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH))) return Result<std::string>(Code::refused, current + " is not executable");
  return current;
}

}  // namespace scarlet
