#include "kernel_args.h"

#include <sys/auxv.h>

#include <cerrno>

namespace scarlet::shim {

std::optional<KernelArgs> parse_kernel_args(int argc, char** argv, const Auxv& auxv) {
  if (argc < 2) return std::nullopt;
  KernelArgs k;
  k.path = argv[1];
  int first_arg = 2;
  if (auxv.flags & kPreserveArgv0) {
    if (argc < 3) return std::nullopt;
    k.argv0 = argv[2];
    first_arg = 3;
  }
  for (int i = first_arg; i < argc; ++i) k.args.emplace_back(argv[i]);
  k.exec_fd = static_cast<int>(auxv.exec_fd);
  k.secure = auxv.secure;
  return k;
}

Auxv read_auxv() {
  Auxv a;
  a.flags = ::getauxval(AT_FLAGS);
  errno = 0;
  unsigned long fd = ::getauxval(AT_EXECFD);
  a.exec_fd = (fd == 0 && errno == ENOENT) ? -1 : static_cast<long>(fd);
  a.secure = ::getauxval(AT_SECURE) != 0;
  return a;
}

}  // namespace scarlet::shim
