#include "daemon/decision_cache.h"

#include <catch2/catch.hpp>

using namespace scarlet;
using namespace scarlet::daemon;

namespace {
CacheKey key(std::uint64_t ino, std::string path = "./p") { return {{1, ino, 10, 5, 6}, std::move(path), std::nullopt, 3}; }
}  // namespace

TEST_CASE("decision_cache: keyed by file identity, path, argv0 and fd", "[cache]") {
  DecisionCache c(8);
  c.put(key(1), "reply-1");
  CHECK(c.get(key(1)) == "reply-1");
  CHECK_FALSE(c.get(key(2)));
  CHECK_FALSE(c.get(key(1, "./other")));
  CacheKey changed = key(1);
  changed.file.mtime_ns = 99;  // the file was rewritten
  CHECK_FALSE(c.get(changed));
  CacheKey with_argv0 = key(1);
  with_argv0.argv0 = "ls";
  CHECK_FALSE(c.get(with_argv0));
}

TEST_CASE("decision_cache: the least recently used entry goes first", "[cache]") {
  DecisionCache c(2);
  c.put(key(1), "a");
  c.put(key(2), "b");
  CHECK(c.get(key(1)) == "a");  // now 2 is the oldest
  c.put(key(3), "c");
  CHECK(c.size() == 2);
  CHECK(c.get(key(1)));
  CHECK_FALSE(c.get(key(2)));
  c.clear();
  CHECK(c.size() == 0);
  DecisionCache off(0);
  off.put(key(1), "a");
  CHECK_FALSE(off.get(key(1)));
}
