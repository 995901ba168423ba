#include "pinned_files.h"

#include <sys/stat.h>

namespace scarlet::daemon {
namespace {

FileStamp from(const struct stat& st) {
  return {st.st_dev, st.st_ino, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
}

}  // namespace

bool stamp_of(const std::string& path, FileStamp& out) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  out = from(st);
  return true;
}

bool stamp_of(int fd, FileStamp& out) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  out = from(st);
  return true;
}

void PinnedFiles::pin(const std::string& path) {
  FileStamp now;
  if (stamp_of(path, now)) stamps_[path] = now;
  else stamps_.erase(path);
}

bool PinnedFiles::changed(const std::string& path) const {
  FileStamp now;
  if (!stamp_of(path, now)) return false;
  auto it = stamps_.find(path);
  return it == stamps_.end() || !(it->second == now);
}

}  // namespace scarlet::daemon
