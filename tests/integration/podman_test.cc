// A real container engine: Debian 12's podman runs, execs into and builds an
// arm64 image imported from the arm64 root of the container tests, in a
// sandbox's private binfmt_misc table (tests/integration/podman/podman-arm64
// does it all, and runs by hand too). The same script against Debian's own
// qemu-user-static entry ("stock baseline") proves the harness.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "integration/paths.h"
#include "support/sandbox.h"

using namespace scarlet::test;

namespace {

const std::map<std::string, std::string> kExpected = {
    {"import", "rc=0\n"},
    {"run uname", "aarch64\nrc=0\n"},
    {"run echo", "hello from arm64\nrc=0\n"},
    {"run shell", "child\naarch64\nchild rc=0\nrc=0\n"},
    {"run dynamic", "Hello, world!\nrc=0\n"},
    {"run exit status", "rc=7\n"},
    {"run stdin and argv0", "hello from elf:aarch64\nargv0=probe\narg1=[-]\nin\nrc=11\n"},
    {"exec", "aarch64\nHello, world!\nrc=0\n"},
    {"exec after the daemon is killed", "hello from elf:aarch64\nargv0=probe\narg1=[-]\nin\nrc=11\n"},
    {"build", "rc=0\n"},
    {"built image", "aarch64\nHello, world!\nrc=0\n"},
    {"leftovers", ""},
};

// Where podman, buildah, crun and CNI keep state by default: none of them
// may appear on the host (podman-arm64 points or mounts each elsewhere).
std::vector<std::string> host_state_paths() {
  std::vector<std::string> paths = {"/run/containers", "/run/libpod", "/run/crun",           "/var/lib/containers",
                                    "/var/lib/cni",    "/etc/cni",    "/dev/shm/libpod_lock"};
  if (const char* home = std::getenv("HOME")) {
    paths.push_back(std::string(home) + "/.config/containers");
    paths.push_back(std::string(home) + "/.local/share/containers");
  }
  return paths;
}

// Runs podman-arm64 with `entries` (scarlet|stock) and the daemon in `mode`.
void check_podman(const std::string& entries, const std::string& mode) {
  std::vector<std::string> absent;
  for (const auto& p : host_state_paths())
    if (!std::filesystem::exists(p)) absent.push_back(p);
  RunResult r = in_sandbox(kCli, kRegistry, "\"$PODMAN_ARM64\" " + entries + " " + mode, "",
                           {"PODMAN_ARM64=" + kSourceDir + "/tests/integration/podman/podman-arm64",
                            "ROOTFS=" + kArm64Rootfs, "PROBE=" + kExamples + "/elf/hello-aarch64-static"});
  if (r.out.starts_with("SKIPPED: ")) {  // only where podman cannot run (ctest: SKIP_REGULAR_EXPRESSION)
    std::cout << r.out;
    return;
  }
  INFO("entries " << entries << ", daemon " << mode << "; stderr:\n" << r.err);
  for (const auto& p : absent) {
    INFO("written on the host: " << p);
    CHECK(!std::filesystem::exists(p));
  }
  CHECK(r.exit_code == 0);
  CHECK(sections_text(sections(r.out), kExpected) == sections_text(kExpected, kExpected));
}

}  // namespace

TEST_CASE("podman: run, exec and build of an arm64 image, the daemon running, killed or stopped", "[podman]") {
  for (const char* mode : {"running", "killed", "stopped"}) check_podman("scarlet", mode);
}

TEST_CASE("podman (stock baseline): qemu-user-static's own entry runs, execs and builds the arm64 image",
          "[podman][stock]") {
  check_podman("stock", "running");
}
