// The daemon's run directory: its socket and the snapshot of the registry it
// has in force, which the shim falls back on when the daemon is away.
//
// SCARLET_RUNDIR overrides the built-in default (a sandbox runs its own
// daemon in its own directory), except for setuid execs (AT_SECURE), where the
// invoking user's environment must not steer anything.
// Thread-safety: pure functions (reads the environment).
#pragma once

#include <string>

namespace scarlet {

std::string run_dir(bool secure);
inline std::string socket_path(const std::string& run_dir) { return run_dir + "/socket"; }
// The daemon also listens on an abstract socket (Linux's namespace of socket
// names that are not files): a chroot that cannot see the run directory can
// still reach it. The name follows from the run directory, so a sandbox's
// daemon has its own. The leading NUL of sun_path is not part of it.
inline std::string abstract_socket_name(const std::string& run_dir) { return "scarlet-dispatch" + run_dir; }
inline std::string snapshot_path(const std::string& run_dir) { return run_dir + "/registry.snapshot.json"; }

}  // namespace scarlet
