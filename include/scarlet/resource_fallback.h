// The rlimits that stand in for resource control where no cgroup can be
// had: no systemd, no delegation (a container, `scarlet-dispatch sandbox`),
// or no daemon (the shim deciding alone). See resource_control.h.
// Thread-safety: pure functions, but tasks_of_user reads /proc.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "scarlet/registry.h"
#include "scarlet/resource_control.h"

namespace scarlet {

// What rlimits can say of `rc` where no cgroup can be had: memory as
// RLIMIT_AS (address space, which counts the runtime's own mappings too, so
// it is a coarser bound than MemoryMax), tasks as RLIMIT_NPROC of `tasks_now`
// plus the limit (RLIMIT_NPROC counts every task of the user, not of one
// program; a privileged user is not held to it). A CPU share or quota has no
// rlimit equivalent (RLIMIT_CPU is total seconds, not a rate): not applied.
std::vector<Limit> rlimit_fallback(const ResourceControl& rc, std::uint64_t tasks_now);
// `limits` with each of `tighter` tightened in: per resource the lower value
// wins (a fallback never raises a limit; the dispatcher joins a chain's so).
std::vector<Limit> tightened_limits(std::vector<Limit> limits, const std::vector<Limit>& tighter);
// The settings rlimits cannot express, by registry name ("cpu_quota", …).
std::vector<std::string> not_by_rlimits(const ResourceControl& rc);

// How many tasks (threads included, as RLIMIT_NPROC counts them) the user
// `uid` has, from /proc/*/status of the caller's pid namespace.
std::uint64_t tasks_of_user(uid_t uid);

}  // namespace scarlet
