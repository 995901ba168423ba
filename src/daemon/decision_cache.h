// DecisionCache: recent decisions, keyed by what they depend on: the file's
// identity (device, inode, size, mtime, ctime), the path as named
// (extensions and Java package paths come from it), argv[0] and the fd
// number the runtime inherits. Least recently used entries go first; the
// whole cache is dropped on reload. The service stores successes and the
// refusals that depend on the file alone (a module's), never "no runtime
// installed", so installing a runtime takes effect at once.
// Each entry belongs to the user whose request stored it, and each user but
// root may hold only a share of the entries and bytes: when one is full,
// that user's own oldest entry goes, so no one can evict everyone else's
// (issue 11, finding 7).
// Thread-safety: safe for concurrent use (one mutex).
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <list>
#include <map>
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
  static constexpr std::size_t kBytes = std::size_t{32} << 20;  // keys and answers, in all
  // `capacity` entries in all (0 turns the cache off); each user but root
  // holds at most an eighth of them and of kBytes.
  explicit DecisionCache(std::size_t capacity)
      : capacity_(capacity), per_user_(std::max<std::size_t>(1, capacity / 8)), per_user_bytes_(kBytes / 8) {}

  // The answer stored for `key`.
  std::optional<Answer> get(const CacheKey& key);
  // Stores `answer` for `key` on behalf of `owner`.
  void put(const CacheKey& key, Answer answer, uid_t owner = 0);
  void clear();
  std::size_t size() const;
  std::size_t size_of(uid_t owner) const;

 private:
  struct Hash {
    std::size_t operator()(const CacheKey& k) const;
  };
  using Order = std::list<const CacheKey*>;  // most recent first; the keys live in slots_
  struct Slot {
    Answer answer;
    uid_t owner;
    std::size_t bytes;
    Order::iterator age, owner_age;
  };
  struct Owner {
    Order order;
    std::size_t bytes = 0;
  };
  using Slots = std::unordered_map<CacheKey, Slot, Hash>;
  void erase(Slots::iterator it);

  const std::size_t capacity_, per_user_, per_user_bytes_;
  mutable std::mutex mutex_;
  Order order_;
  std::size_t bytes_ = 0;
  Slots slots_;
  std::map<uid_t, Owner> owners_;
};

}  // namespace scarlet::daemon
