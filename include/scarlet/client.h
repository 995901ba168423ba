// Talking to the daemon: connect, send one request frame (optionally with an
// fd as SCM_RIGHTS), read one reply frame (and the fd that may come with
// it), all within a deadline. Plain POSIX, no threads, no allocation beyond
// the frames: the shim uses it on every exec.
//
// The daemon is reached at its socket in the run directory, or, where that
// file cannot be seen (inside a chroot), at its abstract socket
// (run_dir.h), which is believed only from the listener that holds it
// (believable_abstract_listener): anyone may bind an abstract name that
// nobody holds.
// Thread-safety: re-entrant.
#pragma once

#include <string>

#include "scarlet/protocol.h"
#include "scarlet/status.h"
#include "scarlet/unique_fd.h"

namespace scarlet {

struct DaemonReply {
  wire::Message message;
  UniqueFd fd;  // passed with the reply (a decision's runtime), close-on-exec; or none
};

// Any failure (no socket, nobody listening, a full backlog, the deadline
// passing, garbage back) is an error: callers fall back, they do not retry.
// `believable_only`: a listener at the socket file must be root or the
// caller (run_dir.h's believable_owner), as a foreign exec requires; the
// peer's uid is then in `peer_uid`.
Result<DaemonReply> call_daemon(const std::string& run_dir, const std::string& frame, int fd, int timeout_ms,
                                bool believable_only = false, unsigned* peer_uid = nullptr);

// A connected, non-blocking socket to the daemon of `run_dir`, or why not.
Result<UniqueFd> connect_daemon(const std::string& run_dir);

}  // namespace scarlet
