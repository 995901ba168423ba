#include "kernel_args.h"

#include <catch2/catch.hpp>

using namespace scarlet::shim;

namespace {
std::optional<KernelArgs> parse(std::vector<std::string> args, Auxv auxv) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_kernel_args(static_cast<int>(argv.size()), argv.data(), auxv);
}
}  // namespace

TEST_CASE("kernel_args: without P argv[0] is lost", "[shim]") {
  auto k = parse({"/shim", "./prog", "a", "b"}, {});
  REQUIRE(k);
  CHECK(k->path == "./prog");
  CHECK_FALSE(k->argv0);
  CHECK(k->args == std::vector<std::string>{"a", "b"});
  CHECK(k->exec_fd == -1);
}

TEST_CASE("kernel_args: with P the typed argv[0] follows the path", "[shim]") {
  auto k = parse({"/shim", "/bin/busybox", "ls", "-l"}, {1, -1, false});
  REQUIRE(k);
  CHECK(k->path == "/bin/busybox");
  CHECK(k->argv0 == "ls");
  CHECK(k->args == std::vector<std::string>{"-l"});
}

TEST_CASE("kernel_args: O and C arrive in the auxiliary vector", "[shim]") {
  auto k = parse({"/shim", "./p"}, {0, 3, true});
  REQUIRE(k);
  CHECK(k->exec_fd == 3);
  CHECK(k->secure);
  CHECK_FALSE(parse({"/shim"}, {}));
  CHECK_FALSE(parse({"/shim", "./p"}, {1, -1, false}));  // P promised argv0 but there is none
}
