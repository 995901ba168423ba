// Changing a path of the host's file system in this mount namespace only.
//
// A sandbox needs things at default paths (the daemon's run directory, which
// setuid execs look for there) that the host may or may not have. Creating
// them on the host would leave traces and let two sandboxes race on one
// directory, so the path is made anew inside a tmpfs that covers its nearest
// existing ancestor; that tmpfs shows every other entry the ancestor had
// (bind mounts and copied symbolic links), so nothing else disappears.
// Nothing is ever created, changed or removed in the host's file system.
// Thread-safety: changes the calling process's mount namespace; call from
// one thread, in a private mount namespace (private_binfmt.h).
#pragma once

#include <string>

#include "scarlet/status.h"

namespace scarlet::sandbox {

// Makes the directory `path` show the directory `source` (bound onto it), or
// an empty directory of its own when `source` is empty. `path` must be
// absolute, and not /.
Status mount_private_dir(const std::string& path, const std::string& source = "");

}  // namespace scarlet::sandbox
