// Reading a whole small text file (a registry, a snapshot) with a size cap.
// Memory grows with what the file holds, never with the cap: the shim reads
// the registry snapshot on every exec the daemon does not answer.
// Thread-safety: pure apart from reading the file.
#pragma once

#include <cstddef>
#include <string>

#include "scarlet/status.h"

namespace scarlet {

// The contents of `path`; Code::invalid "<path>: larger than <what>" when it
// holds more than `max_bytes`, "<path>: not a regular file" for anything but
// a regular file (found without blocking), an errno Status when it cannot be read.
Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes, const char* what);

}  // namespace scarlet
