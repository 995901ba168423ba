// Resource control beyond rlimits: what a format (or one of its runtime
// candidates) says about memory, CPU and task count for the runtime it
// starts, from the registry's "resources" key (docs/registry.md).
//
// Under systemd the daemon puts the exec'ing process (the shim, which then
// becomes the runtime: same pid) into a transient scope under the invoking
// user's slice with these as its properties (src/daemon/transient_scope.h).
// Where there is no systemd, no delegation, or no daemon at all, what rlimits
// can say is applied instead (resource_fallback.h), and the rest is
// reported as not applied.
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace scarlet {

struct ResourceControl {
  // systemd's "infinity" for MemoryMax and TasksMax (a candidate lifting a
  // format's limit); spelled "unlimited" in the registry.
  static constexpr std::uint64_t kUnlimited = UINT64_MAX;

  std::optional<std::uint64_t> memory;       // bytes: MemoryMax (cgroup memory.max)
  std::optional<std::uint64_t> tasks;        // TasksMax (cgroup pids.max)
  std::optional<std::uint32_t> cpu_quota;    // percent of one CPU, 1..100000: CPUQuota (cpu.max)
  std::optional<std::uint32_t> cpu_weight;   // 1..10000: CPUWeight (cpu.weight)

  bool any() const { return memory || tasks || cpu_quota || cpu_weight; }
  bool operator==(const ResourceControl&) const = default;
};

// `over`'s settings replace `base`'s one by one (a candidate's over its
// format's); what `over` does not set stays.
ResourceControl overridden(const ResourceControl& base, const ResourceControl& over);
// The stricter of the two, setting by setting (across a chain): the lower
// memory, tasks and quota, and the lower weight.
ResourceControl stricter(const ResourceControl& a, const ResourceControl& b);

// "memory=256M tasks=64 cpu_quota=50% cpu_weight=20", for logs and explain.
std::string describe(const ResourceControl& rc);

}  // namespace scarlet
