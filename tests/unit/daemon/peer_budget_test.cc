#include "daemon/peer_budget.h"

#include <catch2/catch.hpp>

using namespace scarlet::daemon;
using namespace std::chrono_literals;
using Verdict = PeerBudget::Verdict;

TEST_CASE("peer_budget: a user with a request in flight is busy, unless queued", "[budget]") {
  PeerBudget b({250ms, 0.25, 1});
  const auto t = PeerBudget::Clock::now();
  CHECK(b.admit(1000, false, t) == Verdict::go);
  CHECK(b.admit(1000, false, t) == Verdict::busy);
  CHECK(b.admit(1001, false, t) == Verdict::go);  // another user is not
  CHECK(b.admit(1000, true, t) == Verdict::go);
  b.done(1000, 1ms);
  b.done(1000, 1ms);
  CHECK(b.admit(1000, false, t) == Verdict::go);
}

TEST_CASE("peer_budget: a spent bucket refuses until it refills at its share of a CPU", "[budget]") {
  PeerBudget b({250ms, 0.25, 1});
  const auto t = PeerBudget::Clock::now();
  REQUIRE(b.admit(1000, false, t) == Verdict::go);
  b.done(1000, 300ms);  // 50 ms in debt
  CHECK(b.admit(1000, false, t + 100ms) == Verdict::spent);  // earned 25 ms: still in debt
  CHECK(b.admit(1000, true, t + 100ms) == Verdict::spent);
  CHECK(b.admit(1000, false, t + 300ms) == Verdict::go);  // earned 75 ms in all
}

TEST_CASE("peer_budget: root is never refused", "[budget]") {
  PeerBudget b({1ms, 0.01, 1});
  const auto t = PeerBudget::Clock::now();
  for (int i = 0; i < 3; ++i) CHECK(b.admit(0, false, t) == Verdict::go);
  b.done(0, 10s);
  CHECK(b.admit(0, false, t) == Verdict::go);
}
