// The wineserver of one Wine prefix, as Wine itself finds it: the directory
// holding its socket and lock (server-DEV-INODE of the prefix, under
// /tmp/.wine-UID, or under the /tmp/wine-XXXXXX directory Debian's Wine names
// in PREFIX/wineserver), and the process holding that lock (the running
// server; `wineserver -k` finds it the same way). Used by scarlet-wine to
// see whether a prefix is warm without starting anything, and by
// `scarlet-dispatch cache` to list and end a user's servers.
// Thread-safety: pure functions of the file system.
#pragma once

#include <sys/types.h>

#include <string>

#include "scarlet/status.h"

namespace scarlet {

// The server directory of `prefix` (which must exist) for `uid`.
Result<std::string> wine_server_dir(const std::string& prefix, uid_t uid);

// The pid holding the server lock of `prefix`: the running wineserver, or 0
// when none runs (or Wine never ran there).
Result<pid_t> wine_server_pid(const std::string& prefix, uid_t uid);

// Whether `pid` is a wineserver process of `uid` (its comm and real uid in
// /proc): what the CLI checks before signalling a pid it read from a lock
// file in a directory the user controls.
bool is_wineserver_of(pid_t pid, uid_t uid);

}  // namespace scarlet
