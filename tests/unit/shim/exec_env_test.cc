#include "exec_env.h"

#include <catch2/catch.hpp>

using namespace scarlet;
using namespace scarlet::shim;

TEST_CASE("exec_env: the program's arguments are spliced in where the plan says", "[shim]") {
  wire::DecideReply plan;
  plan.argv = {"/usr/bin/java", "-jar", "app.jar", "--end"};
  plan.args_at = 3;
  CHECK(final_argv(plan, {"a b", ""}) == std::vector<std::string>{"/usr/bin/java", "-jar", "app.jar", "a b", "", "--end"});
  plan.args_at = -1;
  CHECK(final_argv(plan, {"dropped"}) == plan.argv);
}

TEST_CASE("exec_env: the plan's variables win, and the loop marker is ours", "[shim]") {
  auto env = final_env({"HOME=/root", "QEMU_LD_PREFIX=/mine", "SCARLET_SHIM_EXEC=1:2:3"}, {{"QEMU_LD_PREFIX", "/usr/x"}}, false, "7:8:9");
  CHECK(env == std::vector<std::string>{"HOME=/root", "QEMU_LD_PREFIX=/usr/x", "SCARLET_SHIM_EXEC=7:8:9"});
  CHECK(loop_marker_value(7, 8, 9) == "7:8:9");
}

TEST_CASE("exec_env: for setuid execs the user's environment cannot steer the runtime", "[shim]") {
  std::vector<std::string> inherited = {"TERM=xterm", "LD_PRELOAD=/evil.so", "QEMU_STRACE=1", "JAVA_TOOL_OPTIONS=-javaagent:x",
                                        "WINEDLLOVERRIDES=x", "PATH=/home/u/bin", "LANG=C.UTF-8", "SCARLET_RUNDIR=/tmp/x"};
  auto env = final_env(inherited, {{"WINEDEBUG", "-all"}}, true, "1:2:3");
  CHECK(env == std::vector<std::string>{"TERM=xterm", "LANG=C.UTF-8",
                                        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                        "WINEDEBUG=-all", "SCARLET_SHIM_EXEC=1:2:3"});
  CHECK(steers_runtime("QEMU_LD_PREFIX=/x"));
  CHECK_FALSE(steers_runtime("QEMUX=1"));  // only the listed prefixes
  CHECK_FALSE(steers_runtime("LANG=C"));
}
