// The registry the shim carries in its own image: the installed default,
// built in at compile time. The shim decides from it only where neither the
// daemon, nor its snapshot, nor an installed registry can be reached (a
// container or chroot that has nothing of ours), so that formats the
// kernel's magic cannot decide are still decided there.
#pragma once

namespace scarlet::shim {

extern const char kBuiltinRegistry[];

}  // namespace scarlet::shim
