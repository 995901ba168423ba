// Inbox: what one client connection has sent so far — the bytes of its one
// request frame and the first fd passed with them (SCM_RIGHTS). Any other
// fds are closed at once; a client whose ancillary data the kernel had to
// truncate is treated as gone.
// Thread-safety: one per connection, used by one thread at a time.
#pragma once

#include <optional>

#include "scarlet/protocol.h"
#include "scarlet/unique_fd.h"

namespace scarlet::daemon {

class Inbox {
 public:
  enum class Outcome {
    complete,    // a whole request is in: take it
    incomplete,  // nothing more to read now; wait for the socket
    closed,      // the client hung up (or failed) before a whole request
    garbage,     // the bytes cannot be a valid request
  };

  Inbox() : reader_(wire::kMaxRequest) {}

  // Reads whatever the non-blocking socket `sock` holds now.
  Outcome receive(int sock);
  // After `complete`: the request and the fd passed with it (if any).
  const wire::Message& request() const { return *request_; }
  wire::Message take_request() { return *std::move(request_); }
  UniqueFd take_fd() { return std::move(fd_); }

 private:
  wire::FrameReader reader_;
  std::optional<wire::Message> request_;
  UniqueFd fd_;
};

}  // namespace scarlet::daemon
