#include "decision_cache.h"

#include <functional>

namespace scarlet::daemon {

std::size_t DecisionCache::Hash::operator()(const CacheKey& k) const {
  std::size_t h = std::hash<std::string>()(k.path);
  auto mix = [&](std::size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  mix(k.file.dev);
  mix(k.file.ino);
  mix(k.file.size);
  mix(static_cast<std::size_t>(k.file.mtime_ns));
  mix(static_cast<std::size_t>(k.file.ctime_ns));
  mix(k.argv0 ? std::hash<std::string>()(*k.argv0) : 0);
  mix(static_cast<std::size_t>(k.binary_fd));
  return h;
}

std::optional<Answer> DecisionCache::get(const CacheKey& key) {
  std::lock_guard lock(mutex_);
  auto it = slots_.find(key);
  if (it == slots_.end()) return std::nullopt;
  order_.splice(order_.begin(), order_, it->second.age);
  Order& mine = owners_[it->second.owner].order;
  mine.splice(mine.begin(), mine, it->second.owner_age);
  return it->second.answer;
}

void DecisionCache::erase(Slots::iterator it) {
  Slot& slot = it->second;
  auto owner = owners_.find(slot.owner);
  owner->second.order.erase(slot.owner_age);
  owner->second.bytes -= slot.bytes;
  if (owner->second.order.empty()) owners_.erase(owner);
  order_.erase(slot.age);
  bytes_ -= slot.bytes;
  slots_.erase(it);
}

void DecisionCache::put(const CacheKey& key, Answer answer, uid_t owner) {
  if (capacity_ == 0) return;
  // What the entry costs, roughly: its strings and the nodes around them.
  const std::size_t bytes = sizeof(Slot) + sizeof(CacheKey) + 4 * sizeof(void*) + key.path.size() +
                            (key.argv0 ? key.argv0->size() : 0) + answer.frame.size();
  std::lock_guard lock(mutex_);
  if (auto it = slots_.find(key); it != slots_.end()) erase(it);
  auto full = [&](const Owner& o) {
    return owner != 0 && (o.order.size() >= per_user_ || o.bytes + bytes > per_user_bytes_);
  };
  for (auto o = owners_.find(owner); o != owners_.end() && !o->second.order.empty() && full(o->second);
       o = owners_.find(owner))
    erase(slots_.find(*o->second.order.back()));
  while (!order_.empty() && (slots_.size() >= capacity_ || bytes_ + bytes > kBytes)) erase(slots_.find(*order_.back()));
  if (bytes > kBytes || (owner != 0 && bytes > per_user_bytes_)) return;
  auto [it, _] = slots_.emplace(key, Slot{std::move(answer), owner, bytes, {}, {}});
  Owner& mine = owners_[owner];
  order_.push_front(&it->first);
  mine.order.push_front(&it->first);
  it->second.age = order_.begin();
  it->second.owner_age = mine.order.begin();
  mine.bytes += bytes;
  bytes_ += bytes;
}

void DecisionCache::clear() {
  std::lock_guard lock(mutex_);
  slots_.clear();
  order_.clear();
  owners_.clear();
  bytes_ = 0;
}

std::size_t DecisionCache::size() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

std::size_t DecisionCache::size_of(uid_t owner) const {
  std::lock_guard lock(mutex_);
  auto it = owners_.find(owner);
  return it == owners_.end() ? 0 : it->second.order.size();
}

}  // namespace scarlet::daemon
