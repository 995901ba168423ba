// The daemon's run directory: its socket and the snapshot of the registry it
// has in force, which the shim falls back on when the daemon is away.
//
// SCARLET_RUNDIR overrides the built-in default (a sandbox runs its own
// daemon in its own directory), except for setuid execs (AT_SECURE), where the
// invoking user's environment must not steer anything. What a foreign exec
// runs comes from there, so an exec believes a directory, its socket's
// listener and its snapshot only when their owner is root or the caller
// itself, and never anyone but root for root (`sudo -E` keeps the variable).
// Thread-safety: pure functions (read the environment and the file system).
#pragma once

#include <string>

namespace scarlet {

// The run directory a foreign exec relies on: SCARLET_RUNDIR's when it is
// believable (believable_file) or absent here (a chroot, where only its
// abstract socket counts), else the default.
std::string run_dir(bool secure);
// The one SCARLET_RUNDIR names, believed or not: for the CLI, whose answers
// run nothing (root may ask a user's sandbox daemon what it would do).
std::string requested_run_dir();

// Whose files and listeners an exec by `caller` may act on.
inline constexpr bool believable_owner(unsigned owner, unsigned caller) { return owner == 0 || (caller != 0 && owner == caller); }
// A file or directory owned so, and writable by its owner alone.
bool believable_file(const std::string& path);
inline std::string socket_path(const std::string& run_dir) { return run_dir + "/socket"; }
// The daemon also listens on an abstract socket (Linux's namespace of socket
// names that are not files): a chroot that cannot see the run directory can
// still reach it. The name follows from the run directory, so a sandbox's
// daemon has its own. The leading NUL of sun_path is not part of it.
inline std::string abstract_socket_name(const std::string& run_dir) { return "scarlet-dispatch" + run_dir; }
// Who may answer at that name. Any process can bind an abstract name while
// nobody holds it, root in another mount namespace on this network
// namespace (a --net=host container) included. The default run directory's
// name is held from boot by the socket unit, so its listener is the init of
// the caller's pid namespace (SO_PEERCRED names the process that called
// listen(): systemd, pid 1); a root listener with any other pid is a
// squatter. A run directory the caller named (SCARLET_RUNDIR: a sandbox's
// daemon, never for setuid execs) has no socket unit: root suffices there.
inline constexpr bool believable_abstract_listener(unsigned uid, long pid, bool default_run_dir) {
  return uid == 0 && (pid == 1 || !default_run_dir);
}
inline std::string snapshot_path(const std::string& run_dir) { return run_dir + "/registry.snapshot.json"; }

}  // namespace scarlet
