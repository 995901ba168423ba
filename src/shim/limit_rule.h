// The resource limits a runtime runs with: each configured limit caps the
// soft and the hard limit separately, and neither is ever raised. Raising
// the hard one is not allowed to an unprivileged process; raising the soft
// one would undo the user's own choice (`ulimit -St 5` becoming 3600, core
// dumps that were off coming back: issue 11, finding 7).
// Both shims use this: the full one and the fast path, which runs before
// the C library (fast_entry.cc), so this is inline and calls nothing.
// Thread-safety: a pure function.
#pragma once

#include <sys/resource.h>

namespace scarlet::shim {

constexpr struct rlimit tightened(struct rlimit current, rlim_t configured) noexcept {
  return {current.rlim_cur < configured ? current.rlim_cur : configured,
          current.rlim_max < configured ? current.rlim_max : configured};
}

}  // namespace scarlet::shim
