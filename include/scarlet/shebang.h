// The "#!" line of a script, read as the kernel reads it (fs/binfmt_script.c):
// from the first 256 bytes (BINPRM_BUF_SIZE), the line ending at a newline
// or NUL (a shorter file ends in NULs, the kernel's buffer being zeroed), the
// interpreter ending at a space or tab, and everything after it on the line,
// trimmed, being its one optional argument. Used by the script module and by
// the shim when it must do the kernel's script handler's job.
// Thread-safety: a pure function.
#pragma once

#include <optional>
#include <string>

#include "scarlet/bytes.h"
#include "scarlet/status.h"

namespace scarlet {

struct Shebang {
  std::string interpreter;
  std::optional<std::string> argument;
};

// nullopt when `head` (a file's first bytes) does not start with "#!"; an
// error (Code::invalid) when the kernel would refuse the line.
Result<std::optional<Shebang>> parse_shebang(ByteView head);

}  // namespace scarlet
