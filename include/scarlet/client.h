// Talking to the daemon: connect, send one request frame (optionally with an
// fd as SCM_RIGHTS), read one reply frame, all within a deadline. Plain POSIX,
// no threads, no allocation beyond the frames: the shim uses it on every exec.
// Thread-safety: re-entrant.
#pragma once

#include <string>

#include "scarlet/protocol.h"
#include "scarlet/status.h"

namespace scarlet {

// Any failure (no socket, nobody listening, a full backlog, the deadline
// passing, garbage back) is an error: callers fall back, they do not retry.
Result<wire::Message> call_daemon(const std::string& socket_path, const std::string& frame, int fd, int timeout_ms);

}  // namespace scarlet
