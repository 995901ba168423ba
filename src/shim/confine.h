// Applying a plan's confinement (include/scarlet/confinement.h) to the
// shim's own process right before it execs the runtime: same pid, no fork,
// so what the runtime and everything it starts may do is what the policy
// allows. Both shims use this code: the fast path (fast_entry.cc), which runs
// before the C library, and the full shim (shim.cc); so it is built
// freestanding with them and makes raw system calls only.
//
// Each layer becomes one Landlock ruleset, restricted in turn: the kernel
// then allows only what every layer allows (a chained runtime gets the
// stricter of its links). PR_SET_NO_NEW_PRIVS is set when any layer asks,
// before Landlock and seccomp (both need it without CAP_SYS_ADMIN), and one
// seccomp filter denies what the union of the layers' presets names; it is
// a few dozen BPF instructions generated here from a fixed table, so no
// seccomp library is linked and nothing is compiled per exec.
//
// Best effort by default: a kernel with an older Landlock ABI enforces what
// it knows (missing() says what it does not), paths that do not exist are
// skipped. A layer marked required must be enforced whole, or the shim
// refuses to run the program (126).
// Thread-safety: the process's own state; call from its one thread.
#pragma once

#include <cstdint>

namespace scarlet::shim::confine {

struct Rule {
  const char* path;      // absolute, or a placeholder (confinement.h) then nothing or "/…"; NUL-terminated
  std::uint32_t access;  // scarlet::access bits
};
struct Port {
  std::uint32_t kind;  // PortGrant::Kind
  std::uint32_t port;
};
struct Layer {
  std::uint32_t flags = 0;     // wire::kConfine* bits
  std::uint32_t syscalls = 0;  // syscall_preset bits
  const Rule* rules = nullptr;
  std::uint32_t rulec = 0;
  const Port* ports = nullptr;
  std::uint32_t portc = 0;
};

// What the placeholders stand for in this exec.
struct Context {
  const char* program_path = nullptr;  // as the kernel named it: {program_dir} is its directory
  const char* home = nullptr;          // {home}: absolute, or nullptr (unset or not to be believed)
  int program_fd = -1;                 // the program itself, always granted read
  int runtime_fd = -1;                 // the daemon's open runtime (a chroot), granted read and execute
};

// The running kernel's Landlock ABI (0: none).
int landlock_abi() noexcept;

// What of `layer` a kernel of ABI `abi` cannot enforce, as bits: kFiles,
// kTruncate, kNetwork, kScopes (0: all of it). confinement.h's
// unenforceable() says the same in words.
inline constexpr std::uint32_t kFiles = 1, kTruncate = 2, kNetwork = 4, kScopes = 8;
std::uint32_t missing(const Layer& layer, int abi) noexcept;

// Why apply() failed: the step, and -errno.
struct Failure {
  const char* step = nullptr;  // "no_new_privs", "landlock", "seccomp"
  long error = 0;
};

// Applies `layers` in order. True when every layer marked required was
// enforced whole (missing() is 0 for it and no step failed); a layer not
// required is applied as far as it can be. On false `why` says what failed;
// on true, the first step that failed of a layer not required, if any.
bool apply(const Layer* layers, std::uint32_t count, const Context& context, int abi, Failure& why) noexcept;

// The seccomp filter for `presets`, as BPF instructions (struct
// sock_filter, 8 bytes each) in `out` (room for `cap`); their count, or 0
// when there is nothing to filter or no room. For the unit tests too.
std::uint32_t build_filter(std::uint32_t presets, void* out, std::uint32_t cap) noexcept;
inline constexpr std::uint32_t kMaxFilter = 160;

// `rule`'s path with its placeholder resolved, written to `out` (`cap`
// bytes, NUL-terminated); false when it cannot be (no home, an unresolved
// {runtime_dir}, too long). For the unit tests too.
bool resolve(const char* path, const Context& context, char* out, std::uint32_t cap) noexcept;

}  // namespace scarlet::shim::confine
