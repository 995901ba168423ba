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
  return it->second.answer;
}

void DecisionCache::put(const CacheKey& key, Answer answer) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  if (auto it = slots_.find(key); it != slots_.end()) {
    it->second.answer = std::move(answer);
    order_.splice(order_.begin(), order_, it->second.age);
    return;
  }
  if (slots_.size() >= capacity_) {
    slots_.erase(order_.back());
    order_.pop_back();
  }
  order_.push_front(key);
  slots_.emplace(key, Slot{std::move(answer), order_.begin()});
}

void DecisionCache::clear() {
  std::lock_guard lock(mutex_);
  slots_.clear();
  order_.clear();
}

std::size_t DecisionCache::size() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

}  // namespace scarlet::daemon
