// Deciding whether a runtime file may be executed on behalf of anyone.
//
// A runtime is trusted when its path is absolute and every step of it,
// following symlinks, is owned by a trusted owner (root), and no directory on
// the way or the file itself is writable by group or others, except sticky
// directories such as /tmp, where only an entry's (root) owner can replace it.
// The result is the canonical path, which is what gets executed.
// Thread-safety: pure functions over the file system.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "scarlet/status.h"

namespace scarlet {

struct TrustPolicy {
  // Owners whose files may be executed as runtimes. uid 0 in our user
  // namespace; inside an unprivileged user namespace the host's root shows up
  // as the overflow uid, so that is trusted there too.
  std::vector<uid_t> owners = {0};
  static TrustPolicy detect();
};

// The canonical path of `path` if it is a trusted runtime; otherwise why not:
// not_found ("not installed") or refused (the reason).
Result<std::string> trusted_runtime_path(const std::string& path, const TrustPolicy& policy);

}  // namespace scarlet
