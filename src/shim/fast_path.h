// The shim's fast path: the common case of a foreign exec (the daemon
// answers with a plan, the shim execs it), done before the C library is
// initialized, so that exec does not pay for glibc's start-up (see
// fast_entry.cc for why and how). These are its pure parts. They make no
// system or library calls and allocate nothing: each works in memory the
// caller gives it and says when that is not enough, or when the case is not
// the common one, and the full shim (shim.cc) then does everything again.
//
// The wire format is protocol.h's and the runtime's argv and environment
// follow exec_env.h's rules (for non-setuid execs, the only ones the fast
// path takes); the unit tests hold these functions to those.
// Thread-safety: pure functions; an Arena is one caller's.
#pragma once

#include <cstddef>
#include <cstdint>

#include "confine.h"

namespace scarlet::shim::fast {

// Hands out pieces of one buffer; never frees.
class Arena {
 public:
  Arena(char* base, std::size_t size) noexcept : base_(base), size_(size) {}
  // `bytes` aligned to 16, or nullptr when the buffer is used up.
  void* take(std::size_t bytes) noexcept;
  // A NUL-terminated copy of `n` bytes, or nullptr.
  char* copy(const char* s, std::size_t n) noexcept;

 private:
  char* base_;
  std::size_t size_;
  std::size_t used_ = 0;
};

// What the kernel put on the process's initial stack.
struct Start {
  int argc = 0;
  char** argv = nullptr;
  char** envp = nullptr;
  unsigned long flags = 0;  // AT_FLAGS
  long exec_fd = -1;        // AT_EXECFD, -1 when absent
  bool secure = true;       // AT_SECURE; assumed until the auxiliary vector says otherwise
};
Start read_start(long* sp) noexcept;

std::size_t length(const char* s) noexcept;
// The value of NAME in `envp` ("NAME=value" entries), or nullptr.
const char* find_env(char* const* envp, const char* name) noexcept;

// exec_env.h's loop_marker_value ("pid:dev:ino"), written to `out` (at
// least kMarkerSize bytes) with its NUL.
inline constexpr std::size_t kMarkerSize = 64;
void marker_value(long pid, unsigned long long dev, unsigned long long ino, char* out) noexcept;
bool equal(const char* a, const char* b) noexcept;

// The decide request frame (wire::encode of a DecideRequest without args);
// its length, or 0 when it does not fit `cap` or breaks the protocol's limits.
std::size_t encode_request(const char* path, const char* argv0, int binary_fd, char* out, std::size_t cap) noexcept;

// Of the bytes of a reply received so far: the whole frame's length once
// its header is in, 0 while it is not, -1 when it is not a decide reply
// frame that the protocol allows.
long reply_frame_size(const char* bytes, std::size_t have) noexcept;

// A decide reply, its strings NUL-terminated in an Arena.
struct Plan {
  std::int32_t exit_code = 0;
  bool native = false;
  bool uses_binary_fd = false;
  const char* exec_path = nullptr;
  char** argv = nullptr;  // argc entries, without the program's arguments
  std::uint32_t argc = 0;
  std::int32_t args_at = -1;
  char** env = nullptr;  // "NAME=value", envc entries
  std::size_t* env_name_length = nullptr;
  std::uint32_t envc = 0;
  struct Limit {
    int resource;
    std::uint64_t value;
  }* limits = nullptr;
  std::uint32_t limitc = 0;
  confine::Layer* layers = nullptr;  // the plan's confinement, layerc policies
  std::uint32_t layerc = 0;
};

enum class Decoded {
  ok,       // `plan` holds the reply (which may still be a refusal: see exit_code)
  garbage,  // not a valid decide reply (wire::decode_decide_reply would refuse it)
  no_room,  // valid, but the arena is too small
};
// `payload`: the frame after its header.
Decoded decode_reply(const char* payload, std::size_t n, Arena& arena, Plan& plan) noexcept;

// exec_env.h's runtime_argv and runtime_env (not secure), as null-terminated
// arrays in the arena; nullptr when it is too small. `marker_entry` is the
// whole "SCARLET_SHIM_EXEC=..." entry.
char** runtime_argv(const Plan& plan, char* const* args, int nargs, Arena& arena) noexcept;
char** runtime_env(char* const* inherited, const Plan& plan, const char* marker_entry, Arena& arena) noexcept;

}  // namespace scarlet::shim::fast
