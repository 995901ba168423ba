// PeerBudget: how much of the root daemon one user may take. Each uid but
// root has a bucket of CPU time that refills at a share of one CPU up to a
// burst; the CPU time a request took is charged when it is done. A user
// whose bucket is empty is not answered (the server closes the connection
// and the shim decides on its own, on that user's own CPU time). And a user
// with a request being answered already is "busy": the server answers its
// next ones off the threads that accept, so no one user holds them all. So
// one user sending costly files cannot make everyone else's execs wait
// (issue 11, finding 5).
// Thread-safety: safe for concurrent use (one mutex).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <mutex>

namespace scarlet::daemon {

struct BudgetOptions {
  std::chrono::nanoseconds burst{std::chrono::milliseconds(250)};  // a bucket's size
  double share = 0.25;         // of one CPU: the rate at which a bucket refills
  unsigned max_in_flight = 1;  // requests of one user answered at once before it is busy
};

class PeerBudget {
 public:
  using Clock = std::chrono::steady_clock;
  explicit PeerBudget(BudgetOptions options) : options_(options) {}
  PeerBudget(const PeerBudget&) = delete;
  PeerBudget& operator=(const PeerBudget&) = delete;

  enum class Verdict {
    go,     // answer it; it is in flight until done()
    busy,   // max_in_flight of this user's are being answered (nothing recorded)
    spent,  // the user's bucket is empty: do not answer
  };
  // Whether a request of `uid` may be answered now. A `queued` one (answered
  // off the accepting threads) is never busy.
  Verdict admit(uid_t uid, bool queued = false, Clock::time_point now = Clock::now());
  // Ends an admitted request that took `cpu` of the daemon's time.
  void done(uid_t uid, std::chrono::nanoseconds cpu);

 private:
  struct Bucket {
    std::chrono::nanoseconds left;
    Clock::time_point refilled;
    unsigned in_flight = 0;
  };
  const BudgetOptions options_;
  std::mutex mutex_;
  std::map<uid_t, Bucket> buckets_;  // only users with something owed or in flight
};

}  // namespace scarlet::daemon
