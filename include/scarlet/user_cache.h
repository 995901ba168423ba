// Where a user's runtime caches live (kept Wine prefixes, transpiled
// WebAssembly components): ${XDG_CACHE_HOME}/scarlet-dispatch when that
// variable names an absolute, existing directory the user owns, else <the user's passwd home>/.cache/scarlet-dispatch. Never $HOME: under
// sudo or su it is often someone else's, and a cache written there would
// serve (or be planted by) that other user. component-run.mjs and
// scarlet-wine follow the same rule; docs/man/scarlet-dispatch.8 states it.
// Thread-safety: pure functions of the environment given and the file system.
#pragma once

#include <sys/types.h>

#include <string>

#include "scarlet/status.h"

namespace scarlet {

// `xdg_cache_home`: the variable's value, or nullptr to ignore it (root
// acting for another user must not use its own). not_found when the user
// has no passwd entry or a home of its own.
Result<std::string> user_cache_dir(uid_t uid, const char* xdg_cache_home);

// The subdirectories of user_cache_dir: one link per Wine prefix kept warm
// (named DEV-INODE of the prefix, pointing at it), one directory per
// transpiled component.
inline std::string wine_index_dir(const std::string& cache_dir) { return cache_dir + "/wine"; }
inline std::string component_cache_dir(const std::string& cache_dir) { return cache_dir + "/components"; }

}  // namespace scarlet
