// Foreign programs where most of them run: chroots (debootstrap, sbuild),
// BuildKit's probe, containers (their own mount, net, pid, uts and ipc
// namespaces after pivot_root) and the host itself, each with the default
// registry and with the sandbox's daemon running, killed, stopped or frozen.
// Each case is a shell function of containers/cases.sh, run in a sandbox on
// an arm64 root built from Debian's packages (containers/build-arm64-rootfs).
// The same functions run against Debian's own qemu-user-static entry too
// ("stock baseline"): that is what proves each case's harness.
#include <catch2/catch.hpp>
#include <filesystem>

#include "integration/paths.h"
#include "support/sandbox.h"

using namespace scarlet::test;

namespace {

using Sections = std::map<std::string, std::string>;

const std::vector<std::string> kEnv = {"CASES=" + kSourceDir + "/tests/integration/containers/cases.sh",
                                       "ROOTFS=" + kArm64Rootfs, "PROBE=" + kExamples + "/elf/hello-aarch64-static",
                                       "HOST_BUSYBOX=" + kSamplesDir + "/amd64/busybox-static/bin/busybox",
                                       "FORMATS=" + kExamples};

// Runs case_NAME of cases.sh with `entries` (scarlet|stock) in the kernel's
// table and the daemon in `mode`; checks every section it prints.
void check_case(const std::string& entries, const std::string& mode, const std::string& name,
                const Sections& expected) {
  {
    INFO("no arm64 root in " << kArm64Rootfs << ": ctest builds it first (containers/build-arm64-rootfs)");
    REQUIRE(std::filesystem::exists(kArm64Rootfs + "/rootfs/bin/busybox"));
  }
  RunResult r = in_sandbox(
      kCli, kRegistry,
      ". \"$CASES\"; use_entries " + entries + " && daemon_mode " + mode + " && case_" + name + "; cleanup", "", kEnv);
  INFO("entries " << entries << ", daemon " << mode << "; stderr:\n" << r.err);
  CHECK(sections_text(sections(r.out), expected) == sections_text(expected, expected));
}

const char* const kModes[] = {"running", "killed", "stopped", "frozen"};

const Sections kChrootPrograms = {
    {"static", "static\nrc=0\n"},
    {"dynamic", "Hello, world!\nrc=0\n"},
    {"argv0", "hello from elf:aarch64\nargv0=given\narg1=[x]\nrc=11\n"},
};

const Sections kProbe = {{"probe", "rc=0\n"}, {"output", "probed\nrc=0\n"}};

const Sections kContainerPrograms = {
    {"isolation", "pid 1, SCARLET_RUNDIR=\n"},  // nothing of the host's but what the kernel hands over
    {"static", "static\nrc=0\n"},
    {"dynamic", "Hello, world!\nrc=0\n"},
    {"applet", "/etc\nrc=0\n"},
    {"argv0", "hello from elf:aarch64\nargv0=probe\narg1=[x]\narg2=[y]\nrc=12\n"},
    {"shell", "aarch64\nHello, world!\nchild rc=0\nrc=3\n"},
    {"stdin", "piped\nrc=0\n"},
};

const Sections kMidway = {
    {"before", "Hello, world!\nrc=0\n"},
    {"after", "Hello, world!\nrc=0\n"},
    {"shell after", "aarch64\nchild\nrc=0\n"},
};

const Sections kHostDynamic = {{"host dynamic", "Hello, world!\nrc=0\n"}};

}  // namespace

TEST_CASE("containers: a chroot with /proc and /dev runs static and dynamic arm64 programs", "[container]") {
  for (const char* mode : kModes) check_case("scarlet", mode, "chroot_full", kChrootPrograms);
}

TEST_CASE("containers: a chroot with neither /proc nor /dev runs them too", "[container]") {
  for (const char* mode : kModes) check_case("scarlet", mode, "chroot_bare", kChrootPrograms);
}

TEST_CASE("containers: BuildKit's probe, one static program alone in an empty chroot, exits 0", "[container]") {
  for (const char* mode : kModes) check_case("scarlet", mode, "buildkit_probe", kProbe);
}

TEST_CASE("containers: a container with its own /proc runs static, dynamic, applet and shell programs", "[container]") {
  for (const char* mode : kModes) check_case("scarlet", mode, "container", kContainerPrograms);
}

TEST_CASE("containers: a container without /proc runs them too", "[container]") {
  for (const char* mode : kModes) check_case("scarlet", mode, "container_noproc", kContainerPrograms);
}

TEST_CASE("containers: a container's shell keeps running foreign programs after the daemon is killed", "[container]") {
  check_case("scarlet", "running", "container_midway", kMidway);
}

TEST_CASE("containers: a dynamic arm64 program on the host finds the cross sysroot", "[container]") {
  for (const char* mode : kModes) check_case("scarlet", mode, "host_dynamic", kHostDynamic);
}

TEST_CASE("containers: formats only a module can tell are decided with nothing of ours in the container", "[container]") {
  // No daemon answers in the container (its own network namespace), and no
  // file of ours is there: the shim's built-in registry decides.
  const std::string here = " in this root (no daemon or registry of scarlet-dispatch is reachable from it)\nrc=127\n";
  for (const char* mode : {"running", "killed"}) {
    check_case("scarlet", mode, "container_formats",
               {{"/hello.jar", "scarlet: /hello.jar: jar program, but no runtime is installed (tried java); install a Java "
                               "runtime new enough for it (default-jre-headless, or openjdk-<version>-jre-headless)" + here},
                {"/hello64.exe", "scarlet: /hello64.exe: pe:x86_64 program, but no runtime is installed (tried wine64, wine); install wine64" + here},
                {"/HELLO.COM", "scarlet: /HELLO.COM: msdos program, but no runtime is installed (tried dosbox, dosbox-x); install dosbox" + here}});
    check_case("scarlet", mode, "container_own_java", {{"jar", "hello from jar\narg1=[x]\nrc=11\n"}});
  }
}

// The harness, proved: Debian's qemu-user-static entry (P and F, the
// emulator itself as interpreter) passes every case but the host's dynamic
// program, whose loader it looks for in /etc/qemu-binfmt/aarch64.
TEST_CASE("containers (stock baseline): qemu-user-static's own entry runs every chroot and container case",
          "[container][stock]") {
  check_case("stock", "running", "chroot_full", kChrootPrograms);
  check_case("stock", "running", "chroot_bare", kChrootPrograms);
  check_case("stock", "running", "buildkit_probe", kProbe);
  check_case("stock", "running", "container", kContainerPrograms);
  check_case("stock", "running", "container_noproc", kContainerPrograms);
  check_case("stock", "running", "container_midway", kMidway);
}

TEST_CASE("containers (stock baseline): qemu-user-static's own entry fails the host's dynamic program",
          "[container][stock]") {
  check_case("stock", "running", "host_dynamic",
             {{"host dynamic",
               "aarch64-binfmt-P: Could not open '/lib/ld-linux-aarch64.so.1': "
               "No such file or directory\nrc=255\n"}});
}
