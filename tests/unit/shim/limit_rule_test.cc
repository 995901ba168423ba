#include "shim/limit_rule.h"

#include <catch2/catch.hpp>

using scarlet::shim::tightened;

namespace {
bool same(struct rlimit a, struct rlimit b) { return a.rlim_cur == b.rlim_cur && a.rlim_max == b.rlim_max; }
}  // namespace

TEST_CASE("limit_rule: a configured limit caps soft and hard limits separately, raising neither (issue 11, finding 7)", "[limits]") {
  // ulimit -St 5 stays 5 under a configured 3600; the hard limit comes down.
  CHECK(same(tightened({5, RLIM_INFINITY}, 3600), {5, 3600}));
  // Core dumps that were off stay off.
  CHECK(same(tightened({0, RLIM_INFINITY}, RLIM_INFINITY), {0, RLIM_INFINITY}));
  // A hard limit below the configured one is kept (it cannot be raised).
  CHECK(same(tightened({100, 200}, 1000), {100, 200}));
  CHECK(same(tightened({RLIM_INFINITY, RLIM_INFINITY}, 64), {64, 64}));
}
