// Where this program finds its own files: installed (/usr, /etc), or, when
// it runs from a build tree and nothing is installed, the build tree's.
// Thread-safety: pure functions (read the file system).
#pragma once

#include <string>

namespace scarlet::cli {

// This program's own path (/proc/self/exe), or "scarlet-dispatch".
std::string self_exe();
// The installed registry; when there is none, the registry of the build tree
// this program runs from (bin/../etc/scarlet-dispatch/registry.json).
std::string default_registry();
// scarlet-shim beside this program (a build tree), else the installed one.
std::string default_shim();

}  // namespace scarlet::cli
