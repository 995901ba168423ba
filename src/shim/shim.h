// scarlet-shim: the interpreter binfmt_misc runs for every foreign program.
//
// It asks the daemon what to run (passing the open program as an fd), or,
// when the daemon cannot answer within kDaemonTimeoutMs, decides in-process
// with the same code from the registry snapshot the daemon keeps in its run
// directory. Then it execs the runtime in place (same pid). It returns only
// when it cannot, with the exit status to use: 127 when nothing is installed
// to run the program, 126 when it is refused.
#pragma once

namespace scarlet::shim {

// How long the shim waits for the daemon before deciding alone. A stopped
// (SIGSTOP) daemon costs an exec at most this much.
inline constexpr int kDaemonTimeoutMs = 200;

// How many runtimes that fail to start (execve's error: missing, corrupt,
// loader missing) are passed over for the next candidate, one exec each.
inline constexpr int kMaxFallbacks = 8;

// `daemon_silent`: the fast path (fast_entry.h) already asked the daemon
// and got no answer, so this decides alone at once.
int run(int argc, char** argv, char** envp, bool daemon_silent = false);

}  // namespace scarlet::shim
