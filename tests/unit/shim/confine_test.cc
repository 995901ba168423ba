// The confinement the shim applies (confine.h): placeholders, the seccomp
// filter it generates, and what an older Landlock ABI leaves unenforced
// (held to confinement.h's words). Applying it for real is the integration
// tests' (tests/integration/confine_test.cc): it cannot be undone here.
#include "confine.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

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

TEST_CASE("confine: the seccomp filter checks the architecture, then denies the presets' calls", "[shim][confine]") {
  sock_filter f[confine::kMaxFilter];
  CHECK(confine::build_filter(0, f, confine::kMaxFilter) == 0);
  const auto admin = confine::build_filter(syscall_preset::no_admin, f, confine::kMaxFilter);
  REQUIRE(admin > 6);
  CHECK(f[0].code == (BPF_LD | BPF_W | BPF_ABS));
  CHECK(f[0].k == 4);  // seccomp_data.arch
  // The shared returns end it: allow, EPERM, ENOSYS, EAFNOSUPPORT.
  CHECK(f[admin - 4].k == SECCOMP_RET_ALLOW);
  CHECK(f[admin - 3].k == (SECCOMP_RET_ERRNO | EPERM));
  // mount is denied: a JEQ on it, or a range around it, leads to EPERM.
  bool mount_denied = false;
  for (std::uint32_t i = 0; i < admin; ++i) {
    if (f[i].code == (BPF_JMP | BPF_JEQ | BPF_K) && f[i].k == SYS_mount) mount_denied = i + 1 + f[i].jt == admin - 3;
    if (f[i].code == (BPF_JMP | BPF_JGE | BPF_K) && f[i].k <= SYS_mount && f[i + 1].k >= SYS_mount)
      mount_denied = i + 2 + f[i + 1].jf == admin - 3;
  }
  CHECK(mount_denied);
  // Every preset at once still fits, and every jump stays inside the program.
  const auto all = confine::build_filter(syscall_preset::all, f, confine::kMaxFilter);
  REQUIRE(all > admin);
  for (std::uint32_t i = 0; i < all; ++i)
    if (BPF_CLASS(f[i].code) == BPF_JMP) {
      CHECK(i + 1 + f[i].jt < all);
      CHECK(i + 1 + f[i].jf < all);
    }
  CHECK(confine::build_filter(syscall_preset::all, f, 10) == 0);  // no room: nothing half-built
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
