// scarlet-shim's entry point: the fast path, before the C library starts.
//
// Why: every foreign exec starts the shim, and a static glibc program's
// start-up is most of what that costs. On the virtual machines measured
// (docs/benchmarks.md) glibc's start-up executes 43 CPUID instructions
// (CPU features, cache sizes), each a trap to the hypervisor of about
// 3.5 us, plus a dozen system calls and some 30 page faults: an exec of a
// static glibc no-op costs about 330 us, one of a program without libc about
// 40 us. So the linker makes scarlet_shim_entry the entry point (see
// src/CMakeLists.txt); it runs the common case with raw system calls (the
// exec fd is readable, the daemon answers with a plan, no setuid, no loop)
// and execs the runtime. Anything else returns here untouched and jumps
// to the C library's own entry (_start) with the kernel's stack, and main()
// then runs the full shim (shim.cc), which redoes every check and reports
// every error itself. Nothing the fast path did needs undoing: it only set
// FD_CLOEXEC on the exec fd (as the full shim does) and closed what it
// opened.
//
// No C library function may be called from here, and the compiler must not
// insert calls either (memcpy, memset, the stack protector's TLS canary):
// this file and fast_path.cc are built freestanding and the build checks
// that they refer to nothing outside themselves.
#include "fast_entry.h"

#include <fcntl.h>
#include <linux/stat.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "exec_env.h"
#include "fast_path.h"
#include "kernel_args.h"
#include "limit_rule.h"
#include "raw_syscall.h"
#include "scarlet/build_config.h"
#include "scarlet/fd_message.h"
#include "scarlet/protocol.h"
#include "scarlet/run_dir.h"
#include "shim.h"

#ifdef SCARLET_SHIM_FAST_PATH

namespace scarlet::shim::fast {
namespace {

// Memory for the reply and the runtime's argv and environment. The C
// library's allocator is not running yet, and the stack may be small
// (ulimit -s): static storage costs only the pages touched. These belong to
// the process's one run of the fast path, before main.
char request_buffer[wire::kHeaderSize + 2 * wire::kMaxString + 64];
char reply_buffer[wire::kHeaderSize + wire::kMaxFrame];
alignas(16) char arena_buffer[4 << 20];
bool daemon_silent = false;

long now_ms() noexcept {
  struct timespec ts {};
  sys::call(SYS_clock_gettime, CLOCK_MONOTONIC, sys::ptr(&ts));
  return ts.tv_sec * 1000L + ts.tv_nsec / 1'000'000L;
}

void close_fd(int fd) noexcept { sys::call(SYS_close, fd); }

// The dev_t that stat(2) reports (the kernel's new_encode_dev), from statx's
// major and minor: the loop marker must read the same in both shims.
unsigned long long encoded_dev(const struct statx& st) noexcept {
  unsigned long long major = st.stx_dev_major, minor = st.stx_dev_minor;
  return (minor & 0xff) | (major << 8) | ((minor & ~0xffULL) << 12);
}

bool file_identity(int dirfd, const char* path, int flags, unsigned long long& dev, unsigned long long& ino) noexcept {
  struct statx st {};
  if (sys::call(SYS_statx, dirfd, sys::ptr(path), flags, STATX_INO, sys::ptr(&st)) != 0) return false;
  dev = encoded_dev(st);
  ino = st.stx_ino;
  return true;
}

// run_dir.h's run_dir: a directory believable, or absent (a chroot: only
// its abstract socket counts, whose listener must be root).
bool believable_dir(const char* path) noexcept {
  struct statx st {};
  const long rc = sys::call(SYS_statx, AT_FDCWD, sys::ptr(path), 0, STATX_UID | STATX_MODE, sys::ptr(&st));
  if (rc == -ENOENT) return true;
  if (rc != 0) return false;
  return believable_owner(st.stx_uid, static_cast<unsigned>(sys::call(SYS_getuid))) && (st.stx_mode & 022) == 0;
}

// The credentials of the process listening at the other end of `sock`;
// false when they cannot be had.
bool peer_of(int sock, struct ucred& server) noexcept {
  socklen_t cred_length = sizeof server;
  return sys::call(SYS_getsockopt, sock, SOL_SOCKET, SO_PEERCRED, sys::ptr(&server), sys::ptr(&cred_length)) == 0;
}

// A socket connected to the daemon (client.h's connect_daemon): its socket
// file in `run_dir`, else its abstract socket if its listener is believable
// (run_dir.h); or -1.
// Here only root's daemon is believed; -2 when one of another user's
// listens at the file: the full shim judges it (run_dir.h).
int connect_daemon(const char* run_dir) noexcept {
  struct sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  const std::size_t dir_length = length(run_dir);
  const char kSocket[] = "/socket";             // run_dir.h's socket_path
  const char kAbstract[] = "scarlet-dispatch";  // run_dir.h's abstract_socket_name
  if (dir_length + sizeof kSocket > sizeof addr.sun_path || 1 + sizeof kAbstract + dir_length > sizeof addr.sun_path)
    return -1;
  for (std::size_t i = 0; i < dir_length; ++i) addr.sun_path[i] = run_dir[i];
  for (std::size_t i = 0; i < sizeof kSocket; ++i) addr.sun_path[dir_length + i] = kSocket[i];
  int sock = static_cast<int>(sys::call(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (sock < 0) return -1;
  struct ucred server {};
  if (sys::call(SYS_connect, sock, sys::ptr(&addr), sizeof addr) == 0) {
    if (peer_of(sock, server) && server.uid == 0) return sock;
    close_fd(sock);
    return -2;
  }
  close_fd(sock);

  addr.sun_path[0] = '\0';  // abstract
  char* name = addr.sun_path + 1;
  for (std::size_t i = 0; i + 1 < sizeof kAbstract; ++i) *name++ = kAbstract[i];
  for (std::size_t i = 0; i < dir_length; ++i) *name++ = run_dir[i];
  const long addr_length = name - reinterpret_cast<char*>(&addr);
  sock = static_cast<int>(sys::call(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (sock < 0) return -1;
  if (sys::call(SYS_connect, sock, sys::ptr(&addr), addr_length) == 0 && peer_of(sock, server) &&
      believable_abstract_listener(server.uid, server.pid, equal(run_dir, kDefaultRunDir)))
    return sock;
  close_fd(sock);
  return -1;
}

// Reads what the socket has into reply_buffer at `have`, keeping the first
// fd passed with it in `runtime` (close-on-exec) and closing any other.
long receive(int sock, std::size_t have, int flags, int& runtime) noexcept {
  auto msg = FdMessage::to_receive(reply_buffer + have, sizeof reply_buffer - have);
  const long n = sys::call(SYS_recvmsg, sock, sys::ptr(msg.get()), flags | MSG_CMSG_CLOEXEC);
  if (const int passed = n >= 0 ? msg.passed_fd() : -1; passed >= 0) {
    if (runtime < 0) runtime = passed;
    else close_fd(passed);
  }
  return n;
}

// Sends `request` with `fd` attached and reads the reply frame into
// reply_buffer, within the shim's deadline. Its length, or 0. The runtime
// the daemon sent with its reply, if any, ends up in `runtime`.
std::size_t ask_daemon(const char* run_dir, bool& not_root, const char* request, std::size_t request_length, int fd,
                       int& runtime) noexcept {
  const long deadline = now_ms() + kDaemonTimeoutMs;
  const int sock = connect_daemon(run_dir);
  if (sock == -2) not_root = true;
  if (sock < 0) return 0;
  std::size_t have = 0;
  long frame = 0;
  {
    auto msg = FdMessage::to_send(request, request_length, fd);
    // A fresh connection's buffer is empty: the request goes in one piece.
    if (sys::call(SYS_sendmsg, sock, sys::ptr(msg.get()), MSG_NOSIGNAL) == static_cast<long>(request_length)) {
      for (int spin = 0; spin < 200 && frame <= 0; ++spin) {
        long n = receive(sock, have, MSG_DONTWAIT, runtime);
        if (n > 0) { have += n; frame = reply_frame_size(reply_buffer, have); break; }
        if (n != -EAGAIN) break;
        sys::call(SYS_sched_yield);
      }
      while (frame >= 0 && (frame == 0 || have < static_cast<std::size_t>(frame))) {
        const long left = deadline - now_ms();
        if (left <= 0) break;
        struct pollfd p = {sock, POLLIN, 0};
        struct timespec wait = {left / 1000, (left % 1000) * 1'000'000L};
        long ready = sys::call(SYS_ppoll, sys::ptr(&p), 1, sys::ptr(&wait), 0, 0);
        if (ready == -EINTR || ready == 0) continue;
        if (ready < 0) break;
        long n = receive(sock, have, 0, runtime);
        if (n == -EAGAIN || n == -EINTR) continue;
        if (n <= 0) break;
        have += static_cast<std::size_t>(n);
        if (frame == 0 && (frame = reply_frame_size(reply_buffer, have)) < 0) break;
      }
    }
  }
  close_fd(sock);
  return frame > 0 && have == static_cast<std::size_t>(frame) ? have : 0;
}

void apply_limits(const Plan& plan) noexcept {
  for (std::uint32_t i = 0; i < plan.limitc; ++i) {
    struct rlimit cur {};
    sys::call(SYS_prlimit64, 0, plan.limits[i].resource, 0, sys::ptr(&cur));
    struct rlimit next = tightened(cur, static_cast<rlim_t>(plan.limits[i].value));
    sys::call(SYS_prlimit64, 0, plan.limits[i].resource, sys::ptr(&next), 0);
  }
}

// Closes the fd it holds when the fast path returns.
struct OwnedFd {
  int fd = -1;
  ~OwnedFd() {
    if (fd >= 0) close_fd(fd);
  }
};

// The one line and exit status of shim.cc for a confined runtime that did
// not start (with the errno's number: no strerror before the C library).
[[noreturn]] void refuse_confined(const char* exec_path, long error) noexcept {
  char line[512];  // a longer path is cut short
  std::size_t n = 0;
  auto put = [&](const char* text) {
    for (std::size_t i = 0; text[i] && n + 1 < sizeof line; ++i) line[n++] = text[i];
  };
  char number[24];
  std::size_t digits = 0;
  for (unsigned long v = static_cast<unsigned long>(error); digits == 0 || v; v /= 10) number[digits++] = static_cast<char>('0' + v % 10);
  put("scarlet: cannot run ");
  put(exec_path);
  put(" (errno ");
  while (digits && n + 1 < sizeof line) line[n++] = number[--digits];
  put(") under its confinement\n");
  sys::call(SYS_write, 2, sys::ptr(line), n);
  sys::call(SYS_exit_group, error == ENOENT ? 127 : 126);
  __builtin_unreachable();
}

// The common case, to its execve; returns whenever the full shim must take over.
void run(long* sp) noexcept {
  const Start s = read_start(sp);
  const bool preserved = s.flags & kPreserveArgv0;
  if (s.secure || s.exec_fd < 0 || s.argc < (preserved ? 3 : 2)) return;
  const int fd = static_cast<int>(s.exec_fd);
  const char* path = s.argv[1];
  const char* argv0 = preserved ? s.argv[2] : nullptr;
  char* const* args = s.argv + (preserved ? 3 : 2);
  const int nargs = s.argc - (preserved ? 3 : 2);

  sys::call(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC);
  if (sys::call(SYS_faccessat2, fd, sys::ptr(""), R_OK, AT_EMPTY_PATH | AT_EACCESS) != 0) return;
  const long pid = sys::call(SYS_getpid);
  unsigned long long dev = 0, ino = 0;
  if (!file_identity(fd, "", AT_EMPTY_PATH, dev, ino)) return;
  char marker[kMarkerSize];
  marker_value(pid, dev, ino, marker);
  if (const char* seen = find_env(s.envp, kLoopMarker); seen && equal(seen, marker)) return;  // a loop

  // run_dir.h's run_dir(false): SCARLET_RUNDIR only when believable.
  const char* env_dir = find_env(s.envp, "SCARLET_RUNDIR");
  const char* run_dir = env_dir && *env_dir == '/' && believable_dir(env_dir) ? env_dir : kDefaultRunDir;
  std::size_t request_length = encode_request(path, argv0, fd, request_buffer, sizeof request_buffer);
  if (request_length == 0) return;
  OwnedFd runtime;  // the daemon's open runtime: exec'd where its path does not exist (a chroot)
  bool not_root = false;
  std::size_t reply_length = ask_daemon(run_dir, not_root, request_buffer, request_length, fd, runtime.fd);
  if (reply_length == 0) {
    daemon_silent = !not_root;
    return;
  }

  Arena arena(arena_buffer, sizeof arena_buffer);
  Plan plan;
  Decoded d = decode_reply(reply_buffer + wire::kHeaderSize, reply_length - wire::kHeaderSize, arena, plan);
  if (d == Decoded::garbage) daemon_silent = true;  // as the full shim treats a garbled reply
  if (d != Decoded::ok || plan.exit_code != 0 || plan.native) return;

  // The runtime's own identity marks this exec against loops (exec_env.h).
  dev = ino = 0;
  if (!file_identity(AT_FDCWD, plan.exec_path, 0, dev, ino) && runtime.fd >= 0)
    file_identity(runtime.fd, "", AT_EMPTY_PATH, dev, ino);
  marker_value(pid, dev, ino, marker);
  const std::size_t name_length = length(kLoopMarker), value_length = length(marker);
  auto* marker_entry = static_cast<char*>(arena.take(name_length + value_length + 2));
  char** argv = runtime_argv(plan, args, nargs, arena);
  if (!marker_entry || !argv) return;
  for (std::size_t i = 0; i < name_length; ++i) marker_entry[i] = kLoopMarker[i];
  marker_entry[name_length] = '=';
  for (std::size_t i = 0; i <= value_length; ++i) marker_entry[name_length + 1 + i] = marker[i];
  char** env = runtime_env(s.envp, plan, marker_entry, arena);
  if (!env) return;

  // Without /dev/fd (a root with no /proc) the full shim finds another way or says why.
  if (plan.uses_binary_fd && sys::call(SYS_faccessat2, AT_FDCWD, sys::ptr("/dev/fd/"), F_OK, 0) != 0) return;
  apply_limits(plan);
  if (plan.layerc > 0) {
    // confine.h; a required policy that cannot be enforced whole is the
    // full shim's to refuse, with its one line.
    confine::Context where{path, find_env(s.envp, "HOME"), fd, runtime.fd};
    confine::Failure why;
    if (!confine::apply(plan.layers, plan.layerc, where, confine::landlock_abi(), why)) return;
  }
  if (plan.uses_binary_fd) sys::call(SYS_fcntl, fd, F_SETFD, 0);  // the runtime opens /dev/fd/N
  long error = sys::call(SYS_execve, sys::ptr(plan.exec_path), sys::ptr(argv), sys::ptr(env));
  if (error == -ENOENT && runtime.fd >= 0)
    error = sys::call(SYS_execveat, runtime.fd, sys::ptr(""), sys::ptr(argv), sys::ptr(env), AT_EMPTY_PATH);
  // Confined already: the full shim would decide again, and run the next
  // runtime, under this plan's policy (shim.cc does not fall back either).
  if (plan.layerc > 0) refuse_confined(plan.exec_path, -error);
  // The runtime did not start (gone since the daemon decided, say): the full
  // shim asks again and decides here if need be.
  sys::call(SYS_fcntl, fd, F_SETFD, FD_CLOEXEC);
}

}  // namespace

bool daemon_did_not_answer() noexcept { return daemon_silent; }

}  // namespace scarlet::shim::fast

extern "C" void scarlet_shim_fast(long* sp) noexcept { scarlet::shim::fast::run(sp); }

// The entry point: calls the fast path with the kernel's stack pointer and,
// when it returns, enters the C library's _start exactly as the kernel would
// have: same stack, no exit function (rdx/x0 zero, as for a static program).
#if defined(__x86_64__)
asm(R"(
  .text
  .globl scarlet_shim_entry
  .type scarlet_shim_entry, @function
scarlet_shim_entry:
  mov %rsp, %rbx
  mov %rsp, %rdi
  and $-16, %rsp
  call scarlet_shim_fast
  mov %rbx, %rsp
  xor %edx, %edx
  jmp _start
  .size scarlet_shim_entry, .-scarlet_shim_entry
)");
#elif defined(__aarch64__)
asm(R"(
  .text
  .globl scarlet_shim_entry
  .type scarlet_shim_entry, %function
scarlet_shim_entry:
  mov x19, sp
  mov x0, sp
  bl scarlet_shim_fast
  mov sp, x19
  mov x0, #0
  b _start
  .size scarlet_shim_entry, .-scarlet_shim_entry
)");
#endif

#else  // no fast path on this architecture: main() does everything

namespace scarlet::shim::fast {
bool daemon_did_not_answer() noexcept { return false; }
}  // namespace scarlet::shim::fast

#endif
