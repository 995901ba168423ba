// DecisionCache: recent successful decisions, keyed by what they depend on:
// the file's identity (device, inode, size, mtime, ctime), the path as named
// (extensions and Java package paths come from it), argv[0] and the fd
// number the runtime inherits. Least recently used entries go first; the
// whole cache is dropped on reload. The service stores successes and the
// refusals that depend on the file alone (a module's), never "no runtime
// installed", so installing a runtime takes effect at once.
// Thread-safety: safe for concurrent use (one mutex).
#pragma once

#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "answer.h"
#include "scarlet/file_view.h"

namespace scarlet::daemon {

struct CacheKey {
  FileIdentity file;
  std::string path;
  std::optional<std::string> argv0;
  int binary_fd = -1;
  bool operator==(const CacheKey&) const = default;
};

class DecisionCache {
 public:
  explicit DecisionCache(std::size_t capacity) : capacity_(capacity) {}

  // The answer stored for `key`.
  std::optional<Answer> get(const CacheKey& key);
  void put(const CacheKey& key, Answer answer);
  void clear();
  std::size_t size() const;

 private:
  struct Hash {
    std::size_t operator()(const CacheKey& k) const;
  };
  using Order = std::list<CacheKey>;
  struct Slot {
    Answer answer;
    Order::iterator age;
  };
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  Order order_;  // most recent first
  std::unordered_map<CacheKey, Slot, Hash> slots_;
};

}  // namespace scarlet::daemon
