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
inline std::string snapshot_path(const std::string& run_dir) { return run_dir + "/registry.snapshot.json"; }

}  // namespace scarlet
