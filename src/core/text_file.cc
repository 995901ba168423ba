#include "scarlet/text_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "scarlet/unique_fd.h"

namespace scarlet {

Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes, const char* what) {
  // Without blocking: opening a FIFO (or a device) someone left in
  // registry.d would otherwise wait for a writer, holding up every reload.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (!fd) return Status::from_errno(errno, path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Status::from_errno(errno, path);
  if (!S_ISREG(st.st_mode)) return Result<std::string>(Code::invalid, path + ": not a regular file");
  std::string text;
  char chunk[16384];
  for (;;) {
    ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::from_errno(errno, path);
    if (n == 0) return text;
    if (text.size() + static_cast<std::size_t>(n) > max_bytes)
      return Result<std::string>(Code::invalid, path + ": larger than " + what);
    text.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace scarlet
