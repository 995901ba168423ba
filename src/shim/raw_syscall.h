// Raw Linux system calls for the shim's fast path (fast_entry.cc), which
// runs before the C library is initialized: no errno (a negative result is
// -errno), no thread pointer, and no library function may be called. Only
// for the architectures the fast path is built for.
// Thread-safety: plain system calls.
#pragma once

#include <sys/syscall.h>  // the SYS_* numbers (macros only)

#if defined(__x86_64__) || defined(__aarch64__)
#define SCARLET_SHIM_FAST_PATH 1
#endif

namespace scarlet::shim::sys {

#if defined(__x86_64__)

inline long call(long n, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0) noexcept {
  register long r10 asm("r10") = d;
  register long r8 asm("r8") = e;
  long result;
  asm volatile("syscall"
               : "=a"(result)
               : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
               : "rcx", "r11", "memory");
  return result;
}

#elif defined(__aarch64__)

inline long call(long n, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0) noexcept {
  register long x8 asm("x8") = n;
  register long x0 asm("x0") = a;
  register long x1 asm("x1") = b;
  register long x2 asm("x2") = c;
  register long x3 asm("x3") = d;
  register long x4 asm("x4") = e;
  asm volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
  return x0;
}

#endif

// A pointer as a system call argument.
template <typename T>
long ptr(T* p) noexcept {
  return reinterpret_cast<long>(p);
}

}  // namespace scarlet::shim::sys
