#include "scarlet/text_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "scarlet/unique_fd.h"

namespace scarlet {

Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes, const char* what) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Status::from_errno(errno, path);
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
