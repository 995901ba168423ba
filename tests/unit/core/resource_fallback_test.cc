#include "scarlet/resource_fallback.h"

#include <sys/resource.h>
#include <unistd.h>

#include <catch2/catch.hpp>

using namespace scarlet;

TEST_CASE("resource fallback: memory is address space, tasks are the user's tasks plus the limit", "[resources]") {
  CHECK(rlimit_fallback({400ull << 20, 16, 50, 10}, 30) ==
        std::vector<Limit>{{"as", RLIMIT_AS, 400ull << 20}, {"nproc", RLIMIT_NPROC, 46}});
  CHECK(rlimit_fallback({ResourceControl::kUnlimited, ResourceControl::kUnlimited, {}, {}}, 30).empty());
  CHECK(not_by_rlimits({400ull << 20, 16, 50, 10}) == std::vector<std::string>{"cpu_quota", "cpu_weight"});
  CHECK(not_by_rlimits({400ull << 20, 16, {}, {}}).empty());
}

TEST_CASE("resource fallback: tightens the plan's limits, never raising one", "[resources]") {
  std::vector<Limit> plan = {{"as", RLIMIT_AS, 100}, {"nofile", RLIMIT_NOFILE, 10}};
  CHECK(tightened_limits(plan, {{"as", RLIMIT_AS, 200}, {"nproc", RLIMIT_NPROC, 5}}) ==
        std::vector<Limit>{{"as", RLIMIT_AS, 100}, {"nofile", RLIMIT_NOFILE, 10}, {"nproc", RLIMIT_NPROC, 5}});
  CHECK(tightened_limits(plan, {{"as", RLIMIT_AS, 50}})[0].value == 50);
}

TEST_CASE("resource fallback: counts the caller's own tasks, threads included", "[resources]") {
  const std::uint64_t mine = tasks_of_user(::getuid());
  CHECK(mine >= 1);  // this test, at least
  CHECK(tasks_of_user(54321) == 0);
}
