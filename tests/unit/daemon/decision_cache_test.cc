#include "daemon/decision_cache.h"

#include <unistd.h>

#include <catch2/catch.hpp>

using namespace scarlet;
using namespace scarlet::daemon;

namespace {
CacheKey key(std::uint64_t ino, std::string path = "./p") { return {{1, ino, 10, 5, 6}, std::move(path), std::nullopt, 3}; }
Answer answer(std::string frame) { return {std::move(frame), nullptr}; }
// The stored frame, "" when nothing is stored.
std::string frame(const std::optional<Answer>& a) { return a ? a->frame : ""; }
}  // namespace

TEST_CASE("decision_cache: keyed by file identity, path, argv0 and fd", "[cache]") {
  DecisionCache c(8);
  c.put(key(1), answer("reply-1"));
  CHECK(frame(c.get(key(1))) == "reply-1");
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
  c.put(key(1), answer("a"));
  c.put(key(2), answer("b"));
  CHECK(frame(c.get(key(1))) == "a");  // now 2 is the oldest
  c.put(key(3), answer("c"));
  CHECK(c.size() == 2);
  CHECK(c.get(key(1)));
  CHECK_FALSE(c.get(key(2)));
  c.clear();
  CHECK(c.size() == 0);
  DecisionCache off(0);
  off.put(key(1), answer("a"));
  CHECK_FALSE(off.get(key(1)));
}

TEST_CASE("decision_cache: the runtime's fd is kept with its answer and shared", "[cache]") {
  DecisionCache c(2);
  auto runtime = std::make_shared<const UniqueFd>(::dup(0));
  c.put(key(1), {"reply", runtime});
  auto hit = c.get(key(1));
  REQUIRE(hit);
  CHECK(hit->runtime == runtime);
  CHECK(runtime.use_count() == 3);  // here, in the cache, in the hit
  c.clear();
  hit.reset();
  CHECK(runtime.use_count() == 1);
}

TEST_CASE("decision_cache: one user filling it evicts only its own entries (issue 11, finding 7)", "[cache]") {
  DecisionCache c(64);  // each user but root holds at most 8
  c.put(key(1), answer("mine"), 1001);
  c.put(key(2), answer("root's"), 0);
  for (std::uint64_t i = 100; i < 1100; ++i) c.put(key(i), answer("flood"), 1000);
  CHECK(c.size_of(1000) == 8);
  CHECK(frame(c.get(key(1))) == "mine");
  CHECK(frame(c.get(key(2))) == "root's");
  CHECK(frame(c.get(key(1099))) == "flood");  // the flood's newest stay
  CHECK_FALSE(c.get(key(100)));
  // Big answers count by their bytes too.
  c.put(key(5000), answer(std::string(DecisionCache::kBytes / 8 + 1, 'x')), 1000);
  CHECK_FALSE(c.get(key(5000)));
  CHECK(frame(c.get(key(1))) == "mine");
}
