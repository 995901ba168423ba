// Transient scopes: the daemon's way of giving a runtime the memory, CPU and
// task limits of its format's "resources" (resource_control.h), the way
// systemd expects it. Before the daemon answers a shim, the shim's process
// (which then execs the runtime: same pid) is put into a new transient
// scope under the invoking user's slice, user-UID.slice, with MemoryMax,
// TasksMax, CPUQuota and CPUWeight as its properties: StartTransientUnit
// over D-Bus, waiting for the job to finish. Nothing of ours ever writes
// into a cgroup; systemd owns them all.
//
// The process is known by the pid SO_PEERCRED gave and pinned with a pidfd:
// where systemd takes PIDFDs (v253 and later) the scope is given the pidfd
// itself; before, it is given the pid, which is checked to still be the
// peer's process (its connection is still open) right before, and the pidfd
// checked to be alive after (see place()).
//
// Where no scope can be made (no systemd reachable, not root, the peer in
// another pid namespace, or a controller the cgroup tree does not delegate)
// the result says so, and the caller applies the rlimits of
// resource_fallback.h for what the scope does not enforce.
//
// Thread-safety: place() and describe() may be called from many threads;
// the bus connection is used under a mutex.
#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>

#include "scarlet/resource_control.h"

namespace scarlet::daemon {

// The process a scope is for.
struct ScopeSubject {
  pid_t pid = 0;      // in the daemon's pid namespace (SO_PEERCRED); 0: not visible here
  uid_t uid = 0;      // whose slice it goes under
  int connection = -1;  // the peer's connection (borrowed): still open means the pid is still its
  std::string what;   // for the scope's description: "elf:aarch64 runtime of /path"
};

struct Placement {
  std::string unit;       // the scope, empty when none was made
  std::string why_not;    // when none was made: why, in a few words
  // What the scope enforces (its cgroup has the controller's file); the
  // rest is for rlimits or not applied.
  bool memory = false, tasks = false, cpu = false;
};

// Whatever puts a process under resource limits; the daemon's is
// TransientScopes, tests use fakes.
class ScopeMaker {
 public:
  virtual ~ScopeMaker() = default;
  virtual Placement place(const ScopeSubject& subject, const ResourceControl& rc) = 0;
  // One line for explain and status: how limits are applied here.
  virtual std::string describe() = 0;
};

// Makes none, saying why: where the daemon must not use the systemd it could
// reach (`scarlet-dispatch sandbox`, whose daemon shares the host's).
class NoScopes : public ScopeMaker {
 public:
  explicit NoScopes(std::string why) : why_(std::move(why)) {}
  Placement place(const ScopeSubject&, const ResourceControl&) override { return {"", why_, false, false, false}; }
  std::string describe() override { return "no systemd scope: " + why_ + "; rlimits stand in"; }

 private:
  const std::string why_;
};

class TransientScopes : public ScopeMaker {
 public:
  // `bus_address`: "" for systemd's own private socket (as root; no
  // dbus-daemon needed) and else the system bus; or a D-Bus address.
  explicit TransientScopes(std::string bus_address = "");
  ~TransientScopes() override;
  TransientScopes(const TransientScopes&) = delete;
  TransientScopes& operator=(const TransientScopes&) = delete;

  Placement place(const ScopeSubject& subject, const ResourceControl& rc) override;
  std::string describe() override;

 private:
  struct Bus;
  // The connection, made (or made again) under mutex_; null with why_ set
  // when systemd cannot be reached.
  Bus* bus();

  const std::string address_;
  std::mutex mutex_;
  std::unique_ptr<Bus> bus_;  // guarded by mutex_
  std::string why_;           // guarded by mutex_
  bool no_pidfds_ = false;    // guarded by mutex_: this systemd takes PIDs only (before 253)
};

}  // namespace scarlet::daemon
