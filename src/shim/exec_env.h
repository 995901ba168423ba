// The runtime's argv and environment, from a plan and what the kernel gave
// the shim. Pure, so every rule here is unit-tested.
//
// The shim runs on every foreign exec, so what it hands execve points into
// the strings it already has (the kernel's envp, the plan, the arguments)
// instead of copying them: copying a few dozen environment entries cost
// more instructions than all the rest of its work. The std::string forms
// below are the same functions for callers (and tests) that want values.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scarlet/protocol.h"

namespace scarlet::shim {

// The environment variable that marks "this pid just exec'd this runtime";
// if the same pid arrives back in the shim with that very file, the
// runtime's own binfmt entry matched it: a loop.
inline constexpr const char* kLoopMarker = "SCARLET_SHIM_EXEC";

// The plan's argv with the program's arguments spliced in at args_at, as a
// null-terminated array pointing into `plan` and `args` (which must outlive it).
std::vector<char*> runtime_argv(const wire::DecideReply& plan, const std::vector<std::string>& args);
std::vector<std::string> final_argv(const wire::DecideReply& plan, const std::vector<std::string>& args);

// Under AT_SECURE the invoking user's environment must not steer the runtime:
// these variables (by prefix) are dropped before the plan's own are set.
bool steers_runtime(std::string_view entry);

// `inherited` (a null-terminated array of "NAME=value") minus the loop
// marker, and minus what steers runtimes when `secure`; then the plan's
// variables; then the marker. The result is null-terminated and points into
// `inherited` and into `added`, which receives the new entries.
std::vector<char*> runtime_env(char* const* inherited, const std::vector<EnvVar>& plan_env, bool secure,
                               const std::string& marker_value, std::vector<std::string>& added);
std::vector<std::string> final_env(const std::vector<std::string>& inherited, const std::vector<EnvVar>& plan_env,
                                   bool secure, const std::string& marker_value);

// "pid:dev:ino", the marker's value for a runtime file.
std::string loop_marker_value(long pid, unsigned long long dev, unsigned long long ino);

// The variable counting the #! interpreters the shim ran in a row for one
// pid ("pid:count"): a script an entry caught (say *.com) whose interpreter
// comes back to the shim counts one more. The kernel's script handler gives
// ELOOP beyond 5 levels within one execve; each of the shim's execs is a new
// one, so it counts for itself. Another pid's count (a child inherited the
// variable) is not this exec chain's.
inline constexpr const char* kScriptDepth = "SCARLET_SHIM_SCRIPTS";
// The count in `value` (the variable's, or null) for `pid`; 0 if it is another's or malformed.
int script_depth(const char* value, long pid);
// `inherited` without kScriptDepth, then `entry` ("SCARLET_SHIM_SCRIPTS=pid:count"
// for `depth`, written there). Null-terminated; points into `inherited` and `entry`.
std::vector<char*> script_env(char* const* inherited, long pid, int depth, std::string& entry);

}  // namespace scarlet::shim
