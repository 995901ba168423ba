#include "peer_budget.h"

#include <algorithm>

namespace scarlet::daemon {

PeerBudget::Verdict PeerBudget::admit(uid_t uid, bool queued, Clock::time_point now) {
  if (uid == 0) return Verdict::go;
  std::lock_guard lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(uid, Bucket{options_.burst, now, 0});
  Bucket& b = it->second;
  if (!fresh && now > b.refilled) {
    auto earned = std::chrono::duration_cast<std::chrono::nanoseconds>((now - b.refilled) * options_.share);
    b.left = std::min(options_.burst, b.left + earned);
    b.refilled = now;
  }
  if (b.left <= std::chrono::nanoseconds::zero()) return Verdict::spent;
  if (!queued && b.in_flight >= options_.max_in_flight) return Verdict::busy;
  ++b.in_flight;
  return Verdict::go;
}

void PeerBudget::done(uid_t uid, std::chrono::nanoseconds cpu) {
  if (uid == 0) return;
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(uid);
  if (it == buckets_.end()) return;
  Bucket& b = it->second;
  --b.in_flight;
  b.left -= cpu;
  // A full bucket with nothing in flight is the state of a user never seen:
  // forget it, so the map holds only users who spent recently.
  if (b.in_flight == 0 && b.left >= options_.burst) buckets_.erase(it);
}

}  // namespace scarlet::daemon
