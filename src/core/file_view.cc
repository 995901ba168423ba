#include "scarlet/file_view.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace scarlet {

Result<FileView> FileView::over_fd(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Status::from_errno(errno, "fstat");
  if (!S_ISREG(st.st_mode)) return Result<FileView>(Code::invalid, "not a regular file");
  FileView v;
  v.fd_ = fd;
  v.identity_ = {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                 static_cast<std::uint64_t>(st.st_size),
                 st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
                 st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec};
  auto head = v.read(0, kHeadSize);
  if (!head.ok()) return head.status();
  v.head_ = std::move(head).value();
  return v;
}

FileView FileView::over_bytes(std::string bytes) {
  FileView v;
  v.memory_ = std::move(bytes);
  v.identity_.size = v.memory_.size();
  auto n = std::min(v.memory_.size(), kHeadSize);
  v.head_.assign(v.memory_.begin(), v.memory_.begin() + static_cast<std::ptrdiff_t>(n));
  v.spent_ = n;  // as over_fd, whose head is its first read
  return v;
}

Result<Bytes> FileView::read(std::uint64_t offset, std::size_t len) const {
  if (len > kMaxRead) return Result<Bytes>(Code::invalid, "read larger than the per-read cap");
  if (offset >= size()) return Bytes{};
  len = static_cast<std::size_t>(std::min<std::uint64_t>(len, size() - offset));
  if (kReadBudget - spent_ < len) return Result<Bytes>(Code::invalid, "file needs more reading than allowed");
  spent_ += len;
  if (fd_ < 0) {
    auto first = memory_.begin() + static_cast<std::ptrdiff_t>(offset);
    return Bytes(first, first + static_cast<std::ptrdiff_t>(len));
  }
  Bytes out(len);
  std::size_t got = 0;
  while (got < len) {
    ssize_t n = ::pread(fd_, out.data() + got, len - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::from_errno(errno, "read");
    if (n == 0) break;  // the file shrank under us: return what is there
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

}  // namespace scarlet
