// Built freestanding with the fast path (src/CMakeLists.txt): raw system
// calls, plain loops, no library function, nothing initialized by copying a
// large object. The Landlock structures and constants are written out here
// because Debian 12's kernel headers (6.1) predate TCP rules and scopes;
// their values are the kernel's stable ABI (include/uapi/linux/landlock.h).
#include "confine.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/errno.h>
#include <linux/filter.h>
#include <linux/prctl.h>
#include <linux/seccomp.h>
#include <sys/socket.h>

#include <cstddef>

#include "raw_syscall.h"
#include "scarlet/confinement.h"
#include "scarlet/protocol.h"

namespace scarlet::shim::confine {
namespace {

// include/uapi/linux/landlock.h
struct RulesetAttr {
  std::uint64_t handled_access_fs;
  std::uint64_t handled_access_net;  // ABI 4
  std::uint64_t scoped;              // ABI 6
};
struct __attribute__((packed)) PathBeneathAttr {
  std::uint64_t allowed_access;
  std::int32_t parent_fd;
};
struct NetPortAttr {
  std::uint64_t allowed_access;
  std::uint64_t port;
};
constexpr int kRulePathBeneath = 1, kRuleNetPort = 2;
constexpr unsigned kCreateRulesetVersion = 1;
constexpr std::uint64_t kFsExecute = 1 << 0, kFsWriteFile = 1 << 1, kFsReadFile = 1 << 2, kFsReadDir = 1 << 3,
                        kFsRemoveDir = 1 << 4, kFsRemoveFile = 1 << 5, kFsMakeChar = 1 << 6, kFsMakeDir = 1 << 7,
                        kFsMakeReg = 1 << 8, kFsMakeSock = 1 << 9, kFsMakeFifo = 1 << 10, kFsMakeBlock = 1 << 11,
                        kFsMakeSym = 1 << 12, kFsRefer = 1 << 13 /* ABI 2 */, kFsTruncate = 1 << 14 /* ABI 3 */;
constexpr std::uint64_t kNetBindTcp = 1 << 0, kNetConnectTcp = 1 << 1;           // ABI 4
constexpr std::uint64_t kScopeAbstractUnixSocket = 1 << 0, kScopeSignal = 1 << 1;  // ABI 6
// ioctl on devices (ABI 5) is left alone: the policy speaks of files, ports and scopes.

constexpr std::uint64_t kFileOnly = kFsExecute | kFsWriteFile | kFsReadFile | kFsTruncate;

std::uint64_t fs_handled(int abi) noexcept {
  std::uint64_t all = (kFsMakeSym << 1) - 1;  // EXECUTE … MAKE_SYM: ABI 1
  if (abi >= 2) all |= kFsRefer;
  if (abi >= 3) all |= kFsTruncate;
  return all;
}

std::uint64_t fs_rights(std::uint32_t a, int abi) noexcept {
  std::uint64_t r = 0;
  if (a & access::read) r |= kFsReadFile | kFsReadDir;
  if (a & access::write)
    r |= kFsWriteFile | kFsRemoveDir | kFsRemoveFile | kFsMakeChar | kFsMakeDir | kFsMakeReg | kFsMakeSock | kFsMakeFifo |
         kFsMakeBlock | kFsMakeSym | kFsRefer | kFsTruncate;
  if (a & access::execute) r |= kFsExecute;
  return r & fs_handled(abi);
}

// Adds one path rule; a file (not a directory) takes only the rights a file has.
long add_path(int ruleset, int fd, std::uint64_t rights) noexcept {
  PathBeneathAttr attr;
  attr.allowed_access = rights;
  attr.parent_fd = fd;
  long rc = sys::call(SYS_landlock_add_rule, ruleset, kRulePathBeneath, sys::ptr(&attr), 0);
  if (rc == -EINVAL && (rights & ~kFileOnly) != 0 && (rights & kFileOnly) != 0) {
    attr.allowed_access = rights & kFileOnly;
    rc = sys::call(SYS_landlock_add_rule, ruleset, kRulePathBeneath, sys::ptr(&attr), 0);
  }
  return rc;
}

bool starts_with(const char* s, const char* prefix, std::uint32_t& rest) noexcept {
  std::uint32_t i = 0;
  for (; prefix[i]; ++i)
    if (s[i] != prefix[i]) return false;
  if (s[i] != '\0' && s[i] != '/') return false;
  rest = i;
  return true;
}

// Applies one layer's Landlock part; 0 or -errno.
long landlock_layer(const Layer& layer, const Context& context, int abi) noexcept {
  const bool files = layer.flags & wire::kConfineFiles;
  const bool network = (layer.flags & wire::kConfineNetwork) && abi >= 4;
  std::uint64_t scoped = 0;
  if (abi >= 6 && (layer.flags & wire::kConfineScopeAbstract)) scoped |= kScopeAbstractUnixSocket;
  if (abi >= 6 && (layer.flags & wire::kConfineScopeSignal)) scoped |= kScopeSignal;
  RulesetAttr attr;
  attr.handled_access_fs = files ? fs_handled(abi) : 0;
  attr.handled_access_net = network ? kNetBindTcp | kNetConnectTcp : 0;
  attr.scoped = scoped;
  if (attr.handled_access_fs == 0 && attr.handled_access_net == 0 && attr.scoped == 0) return 0;
  // The size the kernel of this ABI knows; the fields beyond it are zero.
  const unsigned long size = abi >= 6 ? sizeof attr : abi >= 4 ? offsetof(RulesetAttr, scoped) : offsetof(RulesetAttr, handled_access_net);
  const long ruleset = sys::call(SYS_landlock_create_ruleset, sys::ptr(&attr), static_cast<long>(size), 0);
  if (ruleset < 0) return ruleset;
  const int rs = static_cast<int>(ruleset);
  long rc = 0;
  if (files) {
    char path[4096];
    for (std::uint32_t i = 0; rc == 0 && i < layer.rulec; ++i) {
      if (!resolve(layer.rules[i].path, context, path, sizeof path)) continue;
      // Not closed: the exec that follows closes it (O_CLOEXEC), and a close
      // per rule would cost a system call each on every confined exec.
      const long fd = sys::call(SYS_openat, AT_FDCWD, sys::ptr(path), O_PATH | O_CLOEXEC);
      if (fd < 0) continue;  // a path that does not exist here grants nothing
      rc = add_path(rs, static_cast<int>(fd), fs_rights(layer.rules[i].access, abi));
    }
    if (rc == 0 && context.program_fd >= 0) rc = add_path(rs, context.program_fd, kFsReadFile);
    if (rc == 0 && context.runtime_fd >= 0) rc = add_path(rs, context.runtime_fd, (kFsReadFile | kFsExecute));
  }
  for (std::uint32_t i = 0; network && rc == 0 && i < layer.portc; ++i) {
    NetPortAttr port;
    port.allowed_access = layer.ports[i].kind == PortGrant::bind ? kNetBindTcp : kNetConnectTcp;
    port.port = layer.ports[i].port;
    rc = sys::call(SYS_landlock_add_rule, rs, kRuleNetPort, sys::ptr(&port), 0);
  }
  if (rc == 0) rc = sys::call(SYS_landlock_restrict_self, rs, 0);
  return rc;  // the ruleset's fd is close-on-exec too
}

// What the presets deny, by system call number (those this architecture has).
constexpr long kAdmin[] = {
#ifdef SYS_mount
    SYS_mount,
#endif
#ifdef SYS_umount2
    SYS_umount2,
#endif
#ifdef SYS_pivot_root
    SYS_pivot_root,
#endif
#ifdef SYS_chroot
    SYS_chroot,
#endif
#ifdef SYS_swapon
    SYS_swapon, SYS_swapoff,
#endif
#ifdef SYS_reboot
    SYS_reboot,
#endif
#ifdef SYS_kexec_load
    SYS_kexec_load,
#endif
#ifdef SYS_kexec_file_load
    SYS_kexec_file_load,
#endif
#ifdef SYS_init_module
    SYS_init_module, SYS_finit_module, SYS_delete_module,
#endif
#ifdef SYS_acct
    SYS_acct,
#endif
#ifdef SYS_settimeofday
    SYS_settimeofday, SYS_clock_settime, SYS_clock_adjtime, SYS_adjtimex,
#endif
#ifdef SYS_sethostname
    SYS_sethostname, SYS_setdomainname,
#endif
#ifdef SYS_iopl
    SYS_iopl, SYS_ioperm,
#endif
#ifdef SYS_quotactl
    SYS_quotactl,
#endif
#ifdef SYS_quotactl_fd
    SYS_quotactl_fd,
#endif
#ifdef SYS_open_by_handle_at
    SYS_open_by_handle_at,
#endif
#ifdef SYS_bpf
    SYS_bpf,
#endif
#ifdef SYS_perf_event_open
    SYS_perf_event_open,
#endif
#ifdef SYS_userfaultfd
    SYS_userfaultfd,
#endif
#ifdef SYS_fsopen
    SYS_fsopen, SYS_fsconfig, SYS_fsmount, SYS_fspick, SYS_move_mount, SYS_open_tree,
#endif
#ifdef SYS_mount_setattr
    SYS_mount_setattr,
#endif
#ifdef SYS_keyctl
    SYS_keyctl, SYS_add_key, SYS_request_key,
#endif
#ifdef SYS_syslog
    SYS_syslog,
#endif
#ifdef SYS_vhangup
    SYS_vhangup,
#endif
#ifdef SYS_unshare
    SYS_unshare, SYS_setns,
#endif
#ifdef SYS_uselib
    SYS_uselib,
#endif
};
constexpr long kPtrace[] = {
    SYS_ptrace, SYS_process_vm_readv, SYS_process_vm_writev,
#ifdef SYS_pidfd_getfd
    SYS_pidfd_getfd,
#endif
#ifdef SYS_kcmp
    SYS_kcmp,
#endif
};
constexpr long kIoUring[] = {
#ifdef SYS_io_uring_setup
    SYS_io_uring_setup, SYS_io_uring_enter, SYS_io_uring_register,
#endif
};

#if defined(__x86_64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
#else
constexpr std::uint32_t kAuditArch = 0;  // no filter is built
#endif

// What the filter does with one system call number.
enum Action : std::uint8_t { kAllow, kEperm, kEnosys, kEafnosupport, kSocket /* look at the domain */ };

// The number line cut into segments, each from `start` up to the next's
// start, each with one action: what the presets' tables say, sorted.
struct Segments {
  static constexpr std::uint32_t kCap = 160;
  std::uint32_t start[kCap];
  Action action[kCap];
  std::uint32_t n = 0;  // begin() before anything else
  bool ok = true;

  void deny(const long* list, std::uint32_t count, Action a) noexcept {
    for (std::uint32_t i = 0; i < count; ++i) add(static_cast<std::uint32_t>(list[i]), a);
  }
  // One segment: everything allowed.
  void begin() noexcept { start[0] = 0, action[0] = kAllow, n = 1; }
  // Inserts [nr, nr + 1) with action `a`, keeping segments sorted and merged.
  void add(std::uint32_t nr, Action a) noexcept {
    std::uint32_t i = n - 1;
    while (start[i] > nr) --i;  // the segment holding nr
    if (action[i] != kAllow) return;  // already denied: the first table's word stands
    // Split [start[i], end) into [start[i], nr) allow, [nr, nr+1) a, [nr+1, end) allow.
    const bool at_end = i + 1 == n;
    const std::uint32_t end = at_end ? 0 : start[i + 1];
    const bool before = start[i] < nr, after = at_end ? nr != 0xffffffffU : end > nr + 1;
    const std::uint32_t grow = (before ? 1 : 0) + (after ? 1 : 0);
    if (n + grow > kCap) {
      ok = false;
      return;
    }
    for (std::uint32_t k = n; k-- > i + 1;) start[k + grow] = start[k], action[k + grow] = action[k];
    n += grow;
    std::uint32_t at = i;
    if (before) ++at;
    start[at] = nr, action[at] = a;
    if (after) start[at + 1] = nr + 1, action[at + 1] = kAllow;
    merge();
  }
  // Every number from `nr` up gets action `a` (nr above every other).
  void from(std::uint32_t nr, Action a) noexcept {
    if (start[n - 1] >= nr || n == kCap) {
      ok = false;
      return;
    }
    start[n] = nr, action[n] = a, ++n;
    merge();
  }
  // Neighbours with one action become one segment.
  void merge() noexcept {
    std::uint32_t out = 1;
    for (std::uint32_t k = 1; k < n; ++k) {
      if (action[k] == action[out - 1]) continue;
      start[out] = start[k], action[out] = action[k], ++out;
    }
    n = out;
  }
};

// The filter being written. The segments become a binary search on the
// number (a JGE per cut, the leaves jumping to shared returns at the end),
// so a call passes a few checks, not one per denied call. That depth is
// what costs when the filter is set: the kernel's action cache runs the
// filter once for every system call number of both ABIs, to find those it
// may allow without running it again (docs/benchmarks.md: a linear list of
// 40 checks cost about 40 µs more to set than the same checks that the
// cache's emulation does not reach).
struct Writer {
  sock_filter* out;
  std::uint32_t cap;
  std::uint32_t target[kSocket + 1];  // where each action's instructions start
  std::uint32_t n = 0;
  bool ok = true;

  void put(std::uint16_t code, std::uint32_t k, std::uint32_t jt = 0, std::uint32_t jf = 0) noexcept {
    if (n == cap || jt > 255 || jf > 255) {
      ok = false;
      return;
    }
    out[n].code = code;
    out[n].jt = static_cast<std::uint8_t>(jt);
    out[n].jf = static_cast<std::uint8_t>(jf);
    out[n].k = k;
    ++n;
  }
  // The offset of a jump from the instruction being written (at n) to `a`.
  std::uint32_t to(Action a) const noexcept { return target[a] - (n + 1); }
  // Segments [l, r): a leaf is no instruction, a cut is one JGE followed by
  // its lower half, then its upper half. The cut halves the numbers the
  // kernel runs the filter for (below kNumbers), not the segments: the long
  // runs of allowed calls end after a check or two.
  void tree(const Segments& s, std::uint32_t l, std::uint32_t r) noexcept {
    if (r - l < 2) return;
    const std::uint32_t m = cut(s, l, r);
    const bool low_leaf = m - l == 1, high_leaf = r - m == 1;
    const std::uint32_t low_size = m - l - 1;
    put(BPF_JMP | BPF_JGE | BPF_K, s.start[m], high_leaf ? to(s.action[m]) : low_size, low_leaf ? to(s.action[l]) : 0);
    tree(s, l, m);
    tree(s, m, r);
  }
  // System call numbers are below this on the architectures built for; the
  // segments' weights count only these.
  static constexpr std::uint32_t kNumbers = 512;
  static std::uint32_t weight(const Segments& s, std::uint32_t i) noexcept {
    const std::uint32_t from = s.start[i] < kNumbers ? s.start[i] : kNumbers;
    const std::uint32_t to = i + 1 < s.n ? (s.start[i + 1] < kNumbers ? s.start[i + 1] : kNumbers) : kNumbers;
    return to - from + 1;  // + 1: a segment of no such number still has its place
  }
  // The cut m in (l, r) that leaves the two sides' weights closest.
  static std::uint32_t cut(const Segments& s, std::uint32_t l, std::uint32_t r) noexcept {
    std::uint32_t total = 0;
    for (std::uint32_t i = l; i < r; ++i) total += weight(s, i);
    std::uint32_t best = l + 1, best_gap = ~0U, low = 0;
    for (std::uint32_t m = l + 1; m < r; ++m) {
      low += weight(s, m - 1);
      const std::uint32_t high = total - low, gap = low > high ? low - high : high - low;
      if (gap < best_gap) best = m, best_gap = gap;
    }
    return best;
  }
};

}  // namespace

int landlock_abi() noexcept {
  const long v = sys::call(SYS_landlock_create_ruleset, 0, 0, kCreateRulesetVersion);
  return v > 0 ? static_cast<int>(v) : 0;
}

std::uint32_t missing(const Layer& layer, int abi) noexcept {
  std::uint32_t out = 0;
  if ((layer.flags & wire::kConfineFiles) && abi < 1) out |= kFiles;
  if ((layer.flags & wire::kConfineFiles) && abi < 3) out |= kTruncate;
  if ((layer.flags & wire::kConfineNetwork) && abi < 4) out |= kNetwork;
  if ((layer.flags & (wire::kConfineScopeAbstract | wire::kConfineScopeSignal)) && abi < 6) out |= kScopes;
  return out;
}

bool resolve(const char* path, const Context& context, char* out, std::uint32_t cap) noexcept {
  const char* base = nullptr;
  std::uint32_t base_length = 0, rest = 0;
  if (path[0] == '/') {
    base = "";
  } else if (starts_with(path, "{cwd}", rest)) {
    base = ".", base_length = 1;
  } else if (starts_with(path, "{home}", rest)) {
    if (!context.home || context.home[0] != '/') return false;
    base = context.home;
    while (base[base_length]) ++base_length;
  } else if (starts_with(path, "{program_dir}", rest)) {
    if (!context.program_path) return false;
    std::uint32_t slash = 0;
    bool any = false;
    for (std::uint32_t i = 0; context.program_path[i]; ++i)
      if (context.program_path[i] == '/') slash = i, any = true;
    base = any ? context.program_path : ".";
    base_length = any ? (slash == 0 ? 1 : slash) : 1;
  } else {
    return false;  // {runtime_dir} is resolved by the dispatcher; anything else is not ours
  }
  std::uint32_t n = 0;
  for (std::uint32_t i = 0; i < base_length; ++i) {
    if (n + 1 >= cap) return false;
    out[n++] = base[i];
  }
  for (const char* s = path + rest; *s; ++s) {
    if (n + 1 >= cap) return false;
    out[n++] = *s;
  }
  out[n] = '\0';
  return true;
}

std::uint32_t build_filter(std::uint32_t presets, void* out, std::uint32_t cap) noexcept {
  if (kAuditArch == 0 || (presets & syscall_preset::all) == 0) return 0;
  const bool sockets = presets & syscall_preset::local_sockets_only;
  Segments s;
  s.begin();
  if (presets & syscall_preset::no_admin) s.deny(kAdmin, sizeof kAdmin / sizeof kAdmin[0], kEperm);
  if (presets & syscall_preset::no_ptrace) s.deny(kPtrace, sizeof kPtrace / sizeof kPtrace[0], kEperm);
  if (sockets) {
    s.deny(kIoUring, sizeof kIoUring / sizeof kIoUring[0], kEnosys);  // io_uring opens sockets without socket(2)
    s.add(SYS_socket, kSocket);
  }
#if defined(__x86_64__)
  s.from(0x40000000, kEnosys);  // x32's numbers: another ABI, likewise not allowed
#endif
  if (!s.ok || s.n < 2) return 0;
  constexpr std::uint32_t kHead = 3;  // the arch, its check, the number
  Writer w{static_cast<sock_filter*>(out), cap, {}};
  const std::uint32_t socket_at = kHead + (s.n - 1);
  const std::uint32_t returns_at = socket_at + (sockets ? 2 : 0);
  w.target[kAllow] = returns_at, w.target[kEperm] = returns_at + 1, w.target[kEnosys] = returns_at + 2;
  w.target[kEafnosupport] = returns_at + 3, w.target[kSocket] = socket_at;
  w.put(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch));
  // Another ABI's numbers (x86's int 0x80) are not checked here, so not allowed.
  w.put(BPF_JMP | BPF_JEQ | BPF_K, kAuditArch, 0, w.to(kEnosys));
  w.put(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr));
  w.tree(s, 0, s.n);
  if (w.n != socket_at) return 0;  // the layout above is wrong: build nothing rather than a bad filter
  if (sockets) {
    w.put(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args));  // the domain (low half on little-endian)
    w.put(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, w.to(kAllow), w.to(kEafnosupport));
  }
  w.put(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  w.put(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
  w.put(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  w.put(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAFNOSUPPORT);
  return w.ok ? w.n : 0;
}

bool apply(const Layer* layers, std::uint32_t count, const Context& context, int abi, Failure& why) noexcept {
  bool required = false, no_new_privs = false, whole = true;
  std::uint32_t presets = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    const bool r = layers[i].flags & wire::kConfineRequired;
    required = required || r;
    no_new_privs = no_new_privs || (layers[i].flags & wire::kConfineNoNewPrivs);
    presets |= layers[i].syscalls;
    if (r && missing(layers[i], abi) != 0) whole = false;
  }
  if (!whole) {
    why = {"landlock", -ENOSYS};
    return false;
  }
  if (no_new_privs) {
    const long rc = sys::call(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (rc != 0 && required) {
      why = {"no_new_privs", rc};
      return false;
    }
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    const long rc = landlock_layer(layers[i], context, abi);
    if (rc != 0 && (layers[i].flags & wire::kConfineRequired)) {
      why = {"landlock", rc};
      return false;
    }
    if (rc != 0 && !why.step) why = {"landlock", rc};  // best effort: said, not refused
  }
  sock_filter filter[kMaxFilter];
  const std::uint32_t n = build_filter(presets, filter, kMaxFilter);
  if (n > 0) {
    sock_fprog prog;
    prog.len = static_cast<unsigned short>(n);
    prog.filter = filter;
    const long rc = sys::call(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, sys::ptr(&prog));
    if (rc != 0 && required) {
      why = {"seccomp", rc};
      return false;
    }
    if (rc != 0 && !why.step) why = {"seccomp", rc};
  }
  return true;
}

}  // namespace scarlet::shim::confine
