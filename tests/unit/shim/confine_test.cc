// The confinement the shim applies (confine.h): placeholders, the seccomp
// filter it generates, and what an older Landlock ABI leaves unenforced
// (held to confinement.h's words). Applying it for real is the integration
// tests' (tests/integration/confine_test.cc): it cannot be undone here.
#include "confine.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>

#include <catch2/catch.hpp>
#include <string>

#include "scarlet/confinement.h"
#include "scarlet/protocol.h"

using namespace scarlet;
using namespace scarlet::shim;

namespace {

std::string resolved(const char* path, const confine::Context& c) {
  char out[256];
  return confine::resolve(path, c, out, sizeof out) ? std::string(out) : std::string("(none)");
}

}  // namespace

TEST_CASE("confine: placeholders resolve from the program's path, the current directory and home", "[shim][confine]") {
  confine::Context c{"/opt/games/doom.exe", "/home/u", -1, -1};
  CHECK(resolved("/usr/lib", c) == "/usr/lib");
  CHECK(resolved("{program_dir}", c) == "/opt/games");
  CHECK(resolved("{program_dir}/data", c) == "/opt/games/data");
  CHECK(resolved("{cwd}", c) == ".");
  CHECK(resolved("{cwd}/out", c) == "./out");
  CHECK(resolved("{home}/.config", c) == "/home/u/.config");
  CHECK(resolved("{runtime_dir}", c) == "(none)");  // the dispatcher's to resolve
  CHECK(resolved("{cwdx}", c) == "(none)");
  confine::Context bare{"prog", nullptr, -1, -1};
  CHECK(resolved("{program_dir}", bare) == ".");
  CHECK(resolved("{home}", bare) == "(none)");  // no HOME (or not believed under AT_SECURE): grants nothing
  confine::Context root{"/prog", "relative", -1, -1};
  CHECK(resolved("{program_dir}", root) == "/");
  CHECK(resolved("{home}", root) == "(none)");
  char tiny[8];
  CHECK_FALSE(confine::resolve("{program_dir}/long", c, tiny, sizeof tiny));
}

namespace {

// Runs a filter as the kernel would for one call: its return value, and how
// many instructions it passed (what the kernel's action cache pays per
// system call number when the filter is set).
struct Verdict {
  std::uint32_t ret = 0;
  std::uint32_t steps = 0;
};
Verdict run(const sock_filter* f, std::uint32_t n, std::uint32_t arch, std::uint32_t nr, std::uint32_t arg0) {
  seccomp_data d{};
  d.arch = arch;
  d.nr = static_cast<int>(nr);
  d.args[0] = arg0;
  std::uint32_t a = 0;
  Verdict v;
  for (std::uint32_t pc = 0; pc < n; ++pc) {
    ++v.steps;
    const sock_filter& i = f[pc];
    if (i.code == (BPF_LD | BPF_W | BPF_ABS)) {
      REQUIRE(i.k + 4 <= sizeof d);
      std::memcpy(&a, reinterpret_cast<const char*>(&d) + i.k, 4);
    } else if (i.code == (BPF_RET | BPF_K)) {
      v.ret = i.k;
      return v;
    } else if (i.code == (BPF_JMP | BPF_JA | BPF_K)) {
      pc += i.k;
    } else {
      bool taken = false;
      if (i.code == (BPF_JMP | BPF_JEQ | BPF_K)) taken = a == i.k;
      else if (i.code == (BPF_JMP | BPF_JGE | BPF_K)) taken = a >= i.k;
      else if (i.code == (BPF_JMP | BPF_JGT | BPF_K)) taken = a > i.k;
      else FAIL("an instruction the filter should not have: " << i.code);
      pc += taken ? i.jt : i.jf;
    }
  }
  FAIL("the filter ran past its end");
  return v;
}

#if defined(__x86_64__)
constexpr std::uint32_t kArch = AUDIT_ARCH_X86_64;
#else
constexpr std::uint32_t kArch = AUDIT_ARCH_AARCH64;
#endif
constexpr std::uint32_t kEperm = SECCOMP_RET_ERRNO | EPERM, kEnosys = SECCOMP_RET_ERRNO | ENOSYS;

}  // namespace

TEST_CASE("confine: the seccomp filter checks the architecture, then denies the presets' calls", "[shim][confine]") {
  sock_filter f[confine::kMaxFilter];
  CHECK(confine::build_filter(0, f, confine::kMaxFilter) == 0);
  const auto admin = confine::build_filter(syscall_preset::no_admin, f, confine::kMaxFilter);
  REQUIRE(admin > 6);
  for (long nr : {SYS_mount, SYS_umount2, SYS_pivot_root, SYS_chroot, SYS_reboot, SYS_init_module, SYS_bpf, SYS_unshare,
                  SYS_setns, SYS_keyctl, SYS_perf_event_open, SYS_open_by_handle_at, SYS_clock_settime})
    CHECK(run(f, admin, kArch, static_cast<std::uint32_t>(nr), 0).ret == kEperm);
  for (long nr : {SYS_read, SYS_write, SYS_openat, SYS_close, SYS_execve, SYS_getpid, SYS_clone, SYS_mmap, SYS_exit_group,
                  SYS_socket, SYS_ptrace, SYS_io_uring_setup})
    CHECK(run(f, admin, kArch, static_cast<std::uint32_t>(nr), AF_INET).ret == SECCOMP_RET_ALLOW);
  // Another ABI, and x32's numbers, are refused whatever the number.
  CHECK(run(f, admin, AUDIT_ARCH_I386, 20, 0).ret == kEnosys);
#if defined(__x86_64__)
  CHECK(run(f, admin, kArch, 0x40000000 | SYS_getpid, 0).ret == kEnosys);
#endif
  const auto all = confine::build_filter(syscall_preset::all, f, confine::kMaxFilter);
  REQUIRE(all > admin);
  CHECK(run(f, all, kArch, SYS_ptrace, 0).ret == kEperm);
  CHECK(run(f, all, kArch, SYS_process_vm_readv, 0).ret == kEperm);
  CHECK(run(f, all, kArch, SYS_io_uring_setup, 0).ret == kEnosys);
  CHECK(run(f, all, kArch, SYS_socket, AF_INET).ret == (SECCOMP_RET_ERRNO | EAFNOSUPPORT));
  CHECK(run(f, all, kArch, SYS_socket, AF_UNIX).ret == SECCOMP_RET_ALLOW);
  CHECK(run(f, all, kArch, SYS_socketpair, AF_INET).ret == SECCOMP_RET_ALLOW);
  // Every jump stays inside the program.
  for (std::uint32_t i = 0; i < all; ++i)
    if (BPF_CLASS(f[i].code) == BPF_JMP) {
      CHECK(i + 1 + f[i].jt < all);
      CHECK(i + 1 + f[i].jf < all);
    }
  CHECK(confine::build_filter(syscall_preset::all, f, 10) == 0);  // no room: nothing half-built
}

TEST_CASE("confine: every preset together denies what each denies alone, through a search a few checks deep", "[shim][confine]") {
  sock_filter single[3][confine::kMaxFilter], all[confine::kMaxFilter];
  const std::uint32_t presets[3] = {syscall_preset::no_admin, syscall_preset::no_ptrace, syscall_preset::local_sockets_only};
  std::uint32_t n[3];
  for (int p = 0; p < 3; ++p) REQUIRE((n[p] = confine::build_filter(presets[p], single[p], confine::kMaxFilter)) > 0);
  const std::uint32_t m = confine::build_filter(syscall_preset::all, all, confine::kMaxFilter);
  REQUIRE(m > 0);
  std::uint32_t denied = 0, deepest = 0, steps = 0;
  for (std::uint32_t nr = 0; nr < 1024; ++nr)
    for (std::uint32_t arg0 : {std::uint32_t{AF_UNIX}, std::uint32_t{AF_INET}}) {
      std::uint32_t expected = SECCOMP_RET_ALLOW;
      for (int p = 0; p < 3; ++p) {
        const std::uint32_t r = run(single[p], n[p], kArch, nr, arg0).ret;
        if (r != SECCOMP_RET_ALLOW) expected = r;  // the presets deny disjoint calls
      }
      const Verdict v = run(all, m, kArch, nr, arg0);
      CHECK(v.ret == expected);
      if (v.ret != SECCOMP_RET_ALLOW) ++denied;
      deepest = std::max(deepest, v.steps);
      if (nr < 512 && arg0 == AF_UNIX) steps += v.steps;
    }
  CHECK(denied > 2 * 40);  // the tables' calls (counted twice, once per domain)
  // A search over the denied ranges, shallow where most numbers are: the
  // kernel runs the filter for every number when it is set, so this is
  // what setting it costs (docs/benchmarks.md). A list of the ranges in
  // turn passes about 33 instructions on average, 40 at most.
  CHECK(deepest <= 14);
  CHECK(steps <= 10 * 512);
}

TEST_CASE("confine: the filter denies what its presets name and allows the rest, in a child", "[shim][confine]") {
  // A filter cannot be taken off again: a child takes it and reports.
  int p[2];
  REQUIRE(::pipe(p) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    confine::Layer l;
    l.flags = wire::kConfineNoNewPrivs;
    l.syscalls = syscall_preset::all;
    confine::Failure why;
    char r[5] = {'x', 'x', 'x', 'x', 'x'};
    if (confine::apply(&l, 1, confine::Context{}, 0, why)) {
      errno = 0;
      r[0] = ::syscall(SYS_mount, "none", "/nonexistent", "tmpfs", 0, nullptr) == -1 && errno == EPERM ? 'y' : 'n';
      int s = ::socket(AF_INET, SOCK_STREAM, 0);
      r[1] = s == -1 && errno == EAFNOSUPPORT ? 'y' : 'n';
      s = ::socket(AF_UNIX, SOCK_STREAM, 0);
      r[2] = s >= 0 ? 'y' : 'n';
      r[3] = ::syscall(SYS_ptrace, 0, 0, 0, 0) == -1 && errno == EPERM ? 'y' : 'n';
      r[4] = ::getpid() > 0 ? 'y' : 'n';
    }
    [[maybe_unused]] auto n = ::write(p[1], r, sizeof r);
    ::_exit(0);
  }
  ::close(p[1]);
  char r[6] = {};
  REQUIRE(::read(p[0], r, 5) == 5);
  ::close(p[0]);
  ::waitpid(pid, nullptr, 0);
  CHECK(std::string(r) == "yyyyy");  // mount, AF_INET, AF_UNIX allowed, ptrace, getpid allowed
}

TEST_CASE("confine: what an older Landlock ABI cannot enforce, in bits and in words", "[shim][confine]") {
  confine::Layer l;
  l.flags = wire::kConfineFiles | wire::kConfineNetwork | wire::kConfineScopeSignal;
  Confinement c;
  c.files = c.network = c.scope_signal = true;
  CHECK(confine::missing(l, 7) == 0);
  CHECK(unenforceable(c, 7).empty());
  CHECK(confine::missing(l, 5) == confine::kScopes);
  CHECK(unenforceable(c, 5) == std::vector<std::string>{"signal scoping (Landlock ABI 6; the kernel has 5)"});
  CHECK(confine::missing(l, 3) == (confine::kNetwork | confine::kScopes));
  CHECK(unenforceable(c, 3).size() == 2);
  CHECK(confine::missing(l, 1) == (confine::kTruncate | confine::kNetwork | confine::kScopes));
  CHECK(confine::missing(l, 0) == (confine::kFiles | confine::kTruncate | confine::kNetwork | confine::kScopes));
  CHECK(unenforceable(c, 0).front() == "file access rules (Landlock ABI 1; the kernel has none)");
}

TEST_CASE("confine: a required layer the kernel cannot enforce whole is refused before anything is applied", "[shim][confine]") {
  confine::Layer l;
  l.flags = wire::kConfineNetwork | wire::kConfineRequired | wire::kConfineNoNewPrivs;
  confine::Failure why;
  // ABI 3 has no TCP rules: apply() must say no without touching this process.
  CHECK_FALSE(confine::apply(&l, 1, confine::Context{}, 3, why));
  CHECK(std::string(why.step) == "landlock");
}

TEST_CASE("confine: the running kernel's Landlock ABI is the one core reports", "[shim][confine]") {
  CHECK(confine::landlock_abi() == landlock_abi());
}
