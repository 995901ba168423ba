// PinnedFiles: what the files the kernel holds for our entries were when it
// opened them. With flag F the kernel opens an entry's interpreter once, at
// registration, and runs that very file from then on; a package upgrade
// renames a new file into place, so the kernel would keep running the old,
// deleted one. The daemon pins each interpreter when it registers, checks
// every second whether the path still leads to the same file, and registers
// again where it does not. The same goes for runtimes held open for chroots.
// Thread-safety: not thread-safe; the service serializes its use.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

namespace scarlet::daemon {

// The identity of what a path leads to (following links), or of an open file.
struct FileStamp {
  dev_t dev = 0;
  ino_t ino = 0;
  long long mtime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};
bool stamp_of(const std::string& path, FileStamp& out);
bool stamp_of(int fd, FileStamp& out);

class PinnedFiles {
 public:
  void clear() { stamps_.clear(); }
  // Records what `path` leads to now.
  void pin(const std::string& path);
  // Whether `path` now leads to another file than the one pinned (a path
  // that leads nowhere has nothing to pin again, so it is not "changed").
  bool changed(const std::string& path) const;

 private:
  std::map<std::string, FileStamp> stamps_;
};

}  // namespace scarlet::daemon
