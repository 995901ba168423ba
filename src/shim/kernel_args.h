// What binfmt_misc hands its interpreter, decoded (see DESIGN.md, "Kernel
// contract", measured on Linux 6.18):
//   without P: argv = [shim, path, argv[1..]]          (argv[0] is lost)
//   with P:    argv = [shim, path, argv0, argv[1..]]   and AT_FLAGS has
//              AT_FLAGS_PRESERVE_ARGV0
//   with O:    the open program arrives as auxv AT_EXECFD; argv[1] is still the path
//   with C:    credentials come from the program (setuid), so AT_SECURE is set
// Thread-safety: pure function.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace scarlet::shim {

// AT_FLAGS_PRESERVE_ARGV0 from <linux/binfmts.h>: binfmt_misc preserved argv[0] (P flag).
inline constexpr unsigned long kPreserveArgv0 = 1;

struct KernelArgs {
  std::string path;                  // the program as named in execve
  std::optional<std::string> argv0;  // only with P
  std::vector<std::string> args;     // argv[1..] of the program
  int exec_fd = -1;                  // only with O
  bool secure = false;               // AT_SECURE: setuid/setgid exec
};

// Auxiliary vector values the decoding depends on, as getauxval gives them.
struct Auxv {
  unsigned long flags = 0;   // AT_FLAGS
  long exec_fd = -1;         // AT_EXECFD, -1 when absent
  bool secure = false;       // AT_SECURE
};

// Nothing when argv is too short to name a program.
std::optional<KernelArgs> parse_kernel_args(int argc, char** argv, const Auxv& auxv);
Auxv read_auxv();

}  // namespace scarlet::shim
