// Service: what the daemon knows and does, apart from the socket plumbing.
//
// It holds the registry in force (an immutable State swapped whole on
// reload), answers requests with reply frames, keeps the decision cache,
// writes the registry snapshot the shim falls back on, and keeps our
// binfmt_misc entries matching the registry. A reload that fails keeps the
// previous State and records why.
// Thread-safety: handle() may run on several threads at once; reload(),
// check_entries() and stop() serialize among themselves.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "answer.h"
#include "binfmt_table.h"
#include "coexistence.h"
#include "decision_cache.h"
#include "pinned_files.h"
#include "transient_scope.h"
#include "scarlet/dispatcher.h"
#include "scarlet/protocol.h"
#include "scarlet/unique_fd.h"

namespace spdlog {
class logger;
}

namespace scarlet::daemon {

// Who is on the other end of a connection (SO_PEERCRED).
struct Peer {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  int connection = -1;  // the peer's socket, borrowed for the request (transient_scope.h)
};

struct ServiceOptions {
  std::string registry;        // main registry file
  std::string run_dir;         // socket and snapshot live here
  std::string shim;            // the interpreter our entries name
  std::string binfmt_dir;      // binfmt_misc instance; "" leaves the kernel alone
  // Remove our entries on stop. Off by default: kernel routes need no
  // daemon and the shim decides alone, so foreign programs keep running
  // while the daemon is stopped or restarting.
  bool remove_entries = false;
  std::size_t cache_entries = 2048;  // 0 turns the cache off
  // What gives a format's runtime its "resources" (transient_scope.h);
  // null: systemd's transient scopes, where systemd can be reached.
  std::shared_ptr<ScopeMaker> scopes;
};

struct Counters {
  std::atomic<std::uint64_t> requests{0}, decisions{0}, cache_hits{0}, refusals{0}, explains{0};
  std::atomic<std::uint64_t> admin_denied{0}, garbage{0}, timeouts{0}, rejected{0};
  std::atomic<std::uint64_t> reloads{0}, reload_failures{0}, entries_restored{0};
};

// Tells the service manager what is going on ("READY=1", "RELOADING=1", …).
using Notify = std::function<void(const std::string&)>;

class Service {
 public:
  Service(ServiceOptions options, std::shared_ptr<spdlog::logger> log, Notify notify);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Loads the registry, writes the snapshot, registers our entries. The
  // caller says READY=1 once it serves.
  Status start();
  // Re-reads the registry; on success swaps it in and applies only the
  // difference to the kernel table. On failure the old one stays in force.
  Status reload();
  // Puts back entries someone else removed (returning how many), and keeps
  // the registry's precedence against other tools' entries.
  int check_entries();
  // Removes our entries (if remove_entries).
  void stop();

  // One request, one encoded reply frame (and for a decision, the runtime's
  // fd to pass with it). `fd` is the file passed with the request.
  Answer handle(const Peer& peer, const wire::Message& request, UniqueFd fd);
  std::string status_json() const;

  Counters& counters() { return counters_; }
  const ServiceOptions& options() const { return options_; }

 private:
  struct State;
  static std::string summary(const State& state);
  Result<std::shared_ptr<const State>> load() const;
  Status apply_entries(const State& state, const State* previous);
  static std::vector<binfmt::Entry> planned(const State& state);
  // Registers again the entries whose interpreter file was replaced, and
  // drops held runtimes that were (pinned_files.h). Under admin_.
  void repin(const State& state, const binfmt::BinfmtTable& table, const std::vector<binfmt::Entry>& kernel);
  Answer decide(const Peer& peer, const wire::DecideRequest& request, UniqueFd fd);
  // The runtime at `path`, opened once per registry (null if it cannot be).
  std::shared_ptr<const UniqueFd> runtime_fd(const std::string& path);
  std::string explain(const wire::DecideRequest& request, UniqueFd fd);
  // The reply for a plan with "resources": its process put into a scope
  // (or not, said in the log), and rlimits for what the scope cannot do.
  Answer with_resources(const Peer& peer, const wire::DecideRequest& request, const Decision& decision);

  const ServiceOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  Notify notify_;
  std::atomic<std::shared_ptr<const State>> state_;
  DecisionCache cache_;
  std::mutex runtime_fds_mutex_;
  std::map<std::string, std::shared_ptr<const UniqueFd>> runtime_fds_;  // by exec path; guarded by runtime_fds_mutex_
  Counters counters_;
  mutable std::mutex admin_;  // reload, entry changes, stop
  std::string last_error_;  // of the last failed reload; guarded by admin_
  // Other tools' entries as they were when ours were last registered, and
  // ours kept away by theirs; guarded by admin_.
  std::vector<binfmt::Entry> others_seen_;
  std::vector<binfmt::Coexistence::Yield> yielded_;
  PinnedFiles pinned_;  // our entries' interpreters as registered; guarded by admin_
  const std::chrono::system_clock::time_point started_;
  std::shared_ptr<ScopeMaker> scopes_;
};

}  // namespace scarlet::daemon
