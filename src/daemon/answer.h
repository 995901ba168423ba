// Answer: what the daemon sends back on a connection: one encoded reply
// frame and, for a decision to run something, the runtime it chose, opened
// (O_PATH). The server passes that fd (SCM_RIGHTS) to clients that came by
// the abstract socket: shims in a chroot, where the runtime's path leads
// nowhere, exec the fd instead.
// Thread-safety: a plain value; the fd is shared, read-only, by the cache
// and every reply that carries it.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "scarlet/unique_fd.h"

namespace scarlet::daemon {

struct Answer {
  // From a frame alone, as most answers are.
  Answer(std::string frame_ = {}, std::shared_ptr<const UniqueFd> runtime_ = nullptr)  // NOLINT: implicit on purpose
      : frame(std::move(frame_)), runtime(std::move(runtime_)) {}
  std::string frame;
  std::shared_ptr<const UniqueFd> runtime;  // null: no fd goes with the frame
};

}  // namespace scarlet::daemon
