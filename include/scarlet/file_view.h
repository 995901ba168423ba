// FileView: bounded, read-only access to the bytes of one file.
//
// Built over an open fd, which stays owned by the caller and must outlive the
// view, or over bytes in memory (tests and fuzzers). Modules see a file only
// through this: it never reopens a path, reads with pread at explicit offsets,
// caps each read at kMaxRead and all reads together at kReadBudget, so no header
// field can make it allocate or read without bound.
// Thread-safety: not thread-safe (reads count against the budget); use one view
// per request.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "scarlet/bytes.h"
#include "scarlet/status.h"

namespace scarlet {

// What identifies a file's content for caching: if any field changes, the
// file may have changed.
struct FileIdentity {
  std::uint64_t dev = 0, ino = 0, size = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

class FileView {
 public:
  static constexpr std::size_t kHeadSize = 4096;
  static constexpr std::size_t kMaxRead = std::size_t{1} << 20;
  static constexpr std::uint64_t kReadBudget = std::uint64_t{64} << 20;

  // Views the regular file open at `fd` (borrowed). Reads the head at once.
  static Result<FileView> over_fd(int fd);
  static FileView over_bytes(std::string bytes);

  std::uint64_t size() const { return identity_.size; }
  // The first min(size, kHeadSize) bytes.
  ByteView head() const { return head_; }
  // Up to `len` bytes at `offset`; fewer at end of file. Fails when `len`
  // exceeds kMaxRead or the view's total read budget is spent.
  Result<Bytes> read(std::uint64_t offset, std::size_t len) const;
  const FileIdentity& identity() const { return identity_; }
  int fd() const { return fd_; }  // -1 for in-memory views

 private:
  FileView() = default;
  int fd_ = -1;
  std::string memory_;
  Bytes head_;
  FileIdentity identity_;
  mutable std::uint64_t spent_ = 0;  // bytes read so far, against kReadBudget
};

}  // namespace scarlet
