// The link a kernel route (route.h) needs for dynamic programs of the host:
// its direct interpreter looks for a program's loader and libraries under
// its sysroot link first (qemu-user's interp prefix, /etc/qemu-binfmt/<arch>
// in Debian's build), so the daemon links the installed cross sysroot there.
// Inside a chroot or container that path is absent, and the interpreter uses
// the root's own libraries. An existing path is left alone: it is the
// admin's, or a link made before.
// Thread-safety: pure function over the file system.
#pragma once

#include <string>

#include "scarlet/route.h"
#include "scarlet/status.h"

namespace scarlet::daemon {

// What was done, for the log ("" when nothing was needed).
Result<std::string> link_sysroot(const Route& route);

}  // namespace scarlet::daemon
