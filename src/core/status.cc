#include "scarlet/status.h"

#include <cerrno>
#include <cstring>

namespace scarlet {

Status Status::from_errno(int err, std::string_view context) {
  Code code = Code::io;
  if (err == ENOENT || err == ENOTDIR) code = Code::not_found;
  if (err == EACCES || err == EPERM) code = Code::refused;
  std::string msg(context);
  msg += ": ";
  msg += std::strerror(err);
  return Status(code, std::move(msg));
}

Status Status::wrap(std::string_view prefix) const {
  if (ok()) return *this;
  std::string msg(prefix);
  msg += ": ";
  msg += message_;
  return Status(code_, std::move(msg));
}

int exit_code_for(const Status& status) {
  switch (status.code()) {
    case Code::ok: return 0;
    case Code::not_found: return 127;
    default: return 126;
  }
}

}  // namespace scarlet
