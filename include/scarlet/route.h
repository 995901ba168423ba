// Route: how the kernel's exec of a format's program reaches its runtime.
// This is the one place that decides it; the daemon registers entries by it,
// and explain and status report it.
//
//   kernel: the format's entries name its runtime's direct interpreter
//           (registry.h, RuntimeCandidate::direct) with flags P and F, and
//           the kernel starts it itself. Nothing of ours runs per exec, so it
//           costs what a stock qemu-user-static entry costs and works in
//           every chroot and container, with or without the daemon.
//   shim:   the entries name scarlet-shim, which asks the daemon, or decides
//           alone from the registry it can reach or carries in its own image.
//
// The kernel route is taken only where the kernel's magic alone decides the
// format and nothing must happen per exec: the chosen runtime has a trusted
// direct interpreter, runs natively (no chain, no launcher), sets no
// environment, no limits and no confinement, and the format has no C flag (under C the
// invoking user's QEMU_* would steer a setuid program) and shares no bytes
// with another active format's entries (only a module can tell those apart).
// Thread-safety: pure functions over the registry and the file system.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "scarlet/dispatcher.h"

namespace scarlet {

struct Route {
  enum class Kind { shim, kernel };
  Kind kind = Kind::shim;
  std::string interpreter;  // what the format's entries name
  std::string flags;        // their flags
  std::string reason;       // why this route
  // Kernel route: where the interpreter looks for a dynamic program's
  // libraries first, and the installed sysroot to link there ("" if none).
  std::string sysroot_link, sysroot;
};

const char* route_name(Route::Kind kind);

// Routes of every format that has kernel entries and is neither disabled
// nor run natively here (`native_formats`). `shim`: the shim's path.
std::map<std::string, Route> plan_routes(const Dispatcher& dispatcher, const std::vector<std::string>& native_formats,
                                         const std::string& shim, const TrustPolicy& trust);

}  // namespace scarlet
