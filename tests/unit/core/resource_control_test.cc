#include "scarlet/resource_control.h"

#include <catch2/catch.hpp>

using namespace scarlet;

TEST_CASE("resource control: a candidate's settings replace its format's one by one", "[resources]") {
  ResourceControl format{256ull << 20, 64, 50, {}};
  ResourceControl candidate{ResourceControl::kUnlimited, {}, {}, 10};
  CHECK(overridden(format, candidate) == ResourceControl{ResourceControl::kUnlimited, 64, 50, 10});
  CHECK(overridden(format, {}) == format);
}

TEST_CASE("resource control: across a chain the stricter setting wins, setting by setting", "[resources]") {
  ResourceControl a{256ull << 20, 64, {}, 100};
  ResourceControl b{1ull << 30, 16, 30, {}};
  CHECK(stricter(a, b) == ResourceControl{256ull << 20, 16, 30, 100});
  CHECK(stricter(b, a) == stricter(a, b));
  CHECK(stricter({}, {}) == ResourceControl{});
  CHECK(stricter(a, {ResourceControl::kUnlimited, {}, {}, {}}).memory == 256ull << 20);
}

TEST_CASE("resource control: described as the registry spells it", "[resources]") {
  CHECK(describe({256ull << 20, 64, 150, 20}) == "memory=256M tasks=64 cpu_quota=150% cpu_weight=20");
  CHECK(describe({ResourceControl::kUnlimited, ResourceControl::kUnlimited, {}, {}}) == "memory=unlimited tasks=unlimited");
  CHECK(describe({1000, {}, {}, {}}) == "memory=1000");
  CHECK(describe({}) == "");
}
