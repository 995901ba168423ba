// Entering a sandbox: a new user namespace (whose root we become) and mount
// namespace, with a binfmt_misc instance of its own. Since Linux 6.7 every
// user namespace can mount its own binfmt_misc: entries registered there are
// seen only by processes inside, and the host's table is never touched. This
// works for root and, without privileges, for ordinary users.
// Thread-safety: call from a single-threaded process (unshare requires it).
#pragma once

#include <string>

#include "scarlet/status.h"

namespace scarlet::sandbox {

// Moves this process into the new namespaces and mounts the private
// binfmt_misc on `binfmt_dir`. Root keeps every id mapped as it is; any other
// user becomes uid 0 inside, mapped to itself.
Status enter_private_binfmt(const std::string& binfmt_dir = "/proc/sys/fs/binfmt_misc");

}  // namespace scarlet::sandbox
