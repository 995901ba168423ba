#include "transient_scope.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include <systemd/sd-bus.h>

#include "scarlet/unique_fd.h"

namespace scarlet::daemon {
namespace {

constexpr const char* kSystemd = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr const char* kPrivateSocket = "/run/systemd/private";
constexpr std::uint64_t kJobTimeoutUsec = 5'000'000;  // a scope's start job takes milliseconds

// sd-bus objects, released when they go out of scope.
struct Message {
  sd_bus_message* m = nullptr;
  ~Message() { sd_bus_message_unref(m); }
};
struct Error {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  ~Error() { sd_bus_error_free(&e); }
  std::string text(int r) const { return e.message ? e.message : std::strerror(-r); }
};
struct Slot {
  sd_bus_slot* s = nullptr;
  ~Slot() { sd_bus_slot_unref(s); }
};

// What JobRemoved said of the job we wait for.
struct JobWait {
  const char* job = nullptr;
  bool done = false;
  std::string result;
};

int on_job_removed(sd_bus_message* m, void* userdata, sd_bus_error*) {
  auto* wait = static_cast<JobWait*>(userdata);
  std::uint32_t id = 0;
  const char *path = nullptr, *unit = nullptr, *result = nullptr;
  if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0) return 0;
  if (wait->job && path && std::strcmp(path, wait->job) == 0) {
    wait->done = true;
    wait->result = result ? result : "";
  }
  return 0;
}

bool hung_up(int connection) {
  struct pollfd p {connection, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

// Signal 0 through the pidfd: ESRCH once it has ended. EPERM (another
// user's process, and the daemon's unit keeps no CAP_KILL) means alive.
bool alive(int pidfd) { return ::syscall(SYS_pidfd_send_signal, pidfd, 0, nullptr, 0) == 0 || errno == EPERM; }

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

std::string random_hex() {
  std::uint32_t n = 0;
  if (::getrandom(&n, sizeof n, 0) != sizeof n) n = static_cast<std::uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", n);
  return buf;
}

// Appends the scope's properties; `by_pidfd`: PIDFDs (systemd 253+), else PIDs.
int append_properties(sd_bus_message* m, const ScopeSubject& s, const ResourceControl& rc, int pidfd, bool by_pidfd) {
  int r = sd_bus_message_open_container(m, 'a', "(sv)");
  auto add_string = [&](const char* name, const std::string& value) {
    if (r >= 0) r = sd_bus_message_append(m, "(sv)", name, "s", value.c_str());
  };
  auto add_u64 = [&](const char* name, std::uint64_t value) {
    if (r >= 0) r = sd_bus_message_append(m, "(sv)", name, "t", value);
  };
  add_string("Description", "scarlet-dispatch: " + s.what);
  add_string("Slice", "user-" + std::to_string(s.uid) + ".slice");
  // A runtime killed for memory leaves a failed scope: collected all the same.
  add_string("CollectMode", "inactive-or-failed");
  if (r >= 0)
    r = by_pidfd ? sd_bus_message_append(m, "(sv)", "PIDFDs", "ah", 1, pidfd)
                 : sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, static_cast<std::uint32_t>(s.pid));
  if (rc.memory) add_u64("MemoryMax", *rc.memory);
  if (rc.tasks) add_u64("TasksMax", *rc.tasks);
  if (rc.cpu_quota) add_u64("CPUQuotaPerSecUSec", std::uint64_t{*rc.cpu_quota} * 10'000);  // 100% = 1 s per s
  if (rc.cpu_weight) add_u64("CPUWeight", *rc.cpu_weight);
  if (r >= 0) r = sd_bus_message_close_container(m);
  if (r >= 0) r = sd_bus_message_append(m, "a(sa(sv))", 0);  // no auxiliary units
  return r;
}

// Which limits the scope's cgroup really has: a controller the tree does
// not delegate (a container on a hybrid host) leaves its file out.
void enforced(const std::string& cgroup, Placement& out) {
  if (exists("/sys/fs/cgroup/cgroup.controllers")) {  // the unified hierarchy
    const std::string dir = "/sys/fs/cgroup" + cgroup;
    out.memory = exists(dir + "/memory.max");
    out.tasks = exists(dir + "/pids.max");
    out.cpu = exists(dir + "/cpu.max");
  } else {  // legacy or hybrid: the controllers' own hierarchies
    out.memory = exists("/sys/fs/cgroup/memory" + cgroup + "/memory.limit_in_bytes");
    out.tasks = exists("/sys/fs/cgroup/pids" + cgroup + "/pids.max");
    out.cpu = exists("/sys/fs/cgroup/cpu" + cgroup + "/cpu.cfs_quota_us");
  }
}

}  // namespace

struct TransientScopes::Bus {
  sd_bus* bus = nullptr;
  std::string how;  // "systemd's private socket", "the system bus", the address
  ~Bus() { sd_bus_flush_close_unref(bus); }
};

TransientScopes::TransientScopes(std::string bus_address) : address_(std::move(bus_address)) {}
TransientScopes::~TransientScopes() = default;

TransientScopes::Bus* TransientScopes::bus() {
  if (bus_ && sd_bus_is_open(bus_->bus) > 0) return bus_.get();
  bus_.reset();
  if (::geteuid() != 0) {
    why_ = "the daemon is not root, and only root may make scopes for other users";
    return nullptr;
  }
  auto b = std::make_unique<Bus>();
  int r = 0;
  if (address_.empty() && !exists(kPrivateSocket)) {
    b->how = "the system bus";
    r = sd_bus_open_system(&b->bus);
  } else {
    // systemd's own socket needs no dbus-daemon; it takes root only.
    b->how = address_.empty() ? std::string(kPrivateSocket) : address_;
    r = sd_bus_new(&b->bus);
    if (r >= 0) r = sd_bus_set_address(b->bus, address_.empty() ? "unix:path=/run/systemd/private" : address_.c_str());
    if (r >= 0 && !address_.empty()) r = sd_bus_set_bus_client(b->bus, 1);
    if (r >= 0) r = sd_bus_start(b->bus);
  }
  if (r < 0) {
    why_ = address_.empty() ? "systemd is not reachable (no " + std::string(kPrivateSocket) + ", and the system bus: " + std::strerror(-r) + ")"
                            : "systemd is not reachable at " + address_ + " (" + std::strerror(-r) + ")";
    return nullptr;
  }
  // The pids the daemon hands over must mean the same processes to
  // systemd: on its own socket, the peer must be PID 1 of our namespace.
  struct ucred peer {};
  socklen_t len = sizeof peer;
  if (b->how == kPrivateSocket &&
      (::getsockopt(sd_bus_get_fd(b->bus), SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || peer.pid != 1)) {
    why_ = "the systemd on " + b->how + " is not PID 1 of the daemon's pid namespace";
    return nullptr;
  }
  // On the system bus, the bus must see the daemon by its own pid (a bus
  // from another pid namespace, as a container given the host's /run/dbus,
  // would hand our pids to a systemd to which they are other processes).
  if (b->how == "the system bus") {
    const char* unique = nullptr;
    Message reply;
    Error err;
    std::uint32_t seen = 0;
    if (sd_bus_get_unique_name(b->bus, &unique) < 0 ||
        sd_bus_call_method(b->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                           "GetConnectionUnixProcessID", &err.e, &reply.m, "s", unique) < 0 ||
        sd_bus_message_read(reply.m, "u", &seen) < 0 || seen != static_cast<std::uint32_t>(::getpid())) {
      why_ = "the system bus is not in the daemon's pid namespace";
      return nullptr;
    }
  }
  // Job signals go only to subscribers; this also proves it is systemd.
  Error err;
  if (r = sd_bus_call_method(b->bus, kSystemd, kManagerPath, kManager, "Subscribe", &err.e, nullptr, ""); r < 0) {
    why_ = "systemd is not reachable on " + b->how + " (" + err.text(r) + ")";
    return nullptr;
  }
  why_.clear();
  bus_ = std::move(b);
  return bus_.get();
}

Placement TransientScopes::place(const ScopeSubject& subject, const ResourceControl& rc) {
  Placement out;
  if (!rc.any()) return out;
  if (subject.pid <= 0) {
    out.why_not = "the program's process is not in the daemon's pid namespace";
    return out;
  }
  // Pinned first, then known to be the peer's: its connection is still
  // open, so the pid was not recycled before the pidfd was taken.
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, subject.pid, 0)));
  if (!pidfd || (subject.connection >= 0 && hung_up(subject.connection))) {
    out.why_not = "the program's process has gone";
    return out;
  }
  std::lock_guard lock(mutex_);
  Bus* b = bus();
  if (!b) {
    out.why_not = why_;
    return out;
  }
  std::string name;
  JobWait wait;
  Slot slot;
  int r = sd_bus_match_signal(b->bus, &slot.s, nullptr, kManagerPath, kManager, "JobRemoved", on_job_removed, &wait);
  Message reply;
  Error err;
  for (;;) {
    Message call;
    sd_bus_error_free(&err.e);
    name = "scarlet-" + std::to_string(subject.pid) + "-" + random_hex() + ".scope";  // a fresh unit each try
    if (r >= 0) r = sd_bus_message_new_method_call(b->bus, &call.m, kSystemd, kManagerPath, kManager, "StartTransientUnit");
    if (r >= 0) r = sd_bus_message_append(call.m, "ss", name.c_str(), "fail");
    if (r >= 0) r = append_properties(call.m, subject, rc, pidfd.get(), !no_pidfds_);
    if (r >= 0) r = sd_bus_call(b->bus, call.m, kJobTimeoutUsec, &err.e, &reply.m);
    // systemd before 253 knows no PIDFDs ("Cannot set property PIDFDs, or
    // unknown property"): the pid then, checked below.
    if (r >= 0 || no_pidfds_ || !sd_bus_error_has_name(&err.e, SD_BUS_ERROR_PROPERTY_READ_ONLY)) break;
    no_pidfds_ = true;
    r = 0;
  }
  const char* job = nullptr;
  if (r >= 0) r = sd_bus_message_read(reply.m, "o", &job);
  if (r < 0) {
    out.why_not = "systemd refused the scope (" + err.text(r) + ")";
    if (sd_bus_is_open(b->bus) <= 0) bus_.reset();
    return out;
  }
  wait.job = job;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(kJobTimeoutUsec);
  while (!wait.done && r >= 0) {
    r = sd_bus_process(b->bus, nullptr);
    if (r != 0) continue;
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) break;
    r = sd_bus_wait(b->bus, static_cast<std::uint64_t>(left));
  }
  if (!wait.done) {
    out.why_not = "systemd's job for the scope did not finish";
    if (r < 0) bus_.reset();
    return out;
  }
  if (wait.result != "done") {
    out.why_not = "systemd's job for the scope ended \"" + wait.result + "\"";
    return out;
  }
  // By pid (systemd < 253): had the process died meanwhile, its pid could
  // have been another's when systemd moved it. It has not.
  if (!alive(pidfd.get())) {
    out.why_not = "the program's process has gone";
    return out;
  }
  out.unit = name;
  char* path = nullptr;
  char* cgroup = nullptr;
  Error perr;
  if (sd_bus_path_encode("/org/freedesktop/systemd1/unit", name.c_str(), &path) >= 0 &&
      sd_bus_get_property_string(b->bus, kSystemd, path, "org.freedesktop.systemd1.Scope", "ControlGroup", &perr.e, &cgroup) >= 0 &&
      cgroup && *cgroup)
    enforced(cgroup, out);
  std::free(path);
  std::free(cgroup);
  return out;
}

std::string TransientScopes::describe() {
  std::lock_guard lock(mutex_);
  if (Bus* b = bus()) return "a transient systemd scope under the user's slice (systemd on " + b->how + ")";
  return "no systemd scope: " + why_ + "; rlimits stand in";
}

}  // namespace scarlet::daemon
