// RegistryCopy: a copy of a registry file with one drop-in of the test's
// own, in a scratch directory others can read (removed with the test).
#pragma once

#include <sys/stat.h>

#include <string>

#include "support/temp_dir.h"

namespace scarlet::test {

// A drop-in that keeps every ELF format of `base` on the shim ("direct":
// false), for tests of the shim and the daemon that use foreign ELF
// programs; by default the kernel starts their emulator itself (route.h).
std::string through_shim(const std::string& base);

struct RegistryCopy {
  TempDir dir;
  std::string path;
  explicit RegistryCopy(const std::string& base, const std::string& drop_in = "") {
    ::chmod(dir.path().c_str(), 0755);
    path = dir.write("registry.json", read_file(base));
    if (!drop_in.empty()) dir.write("registry.d/50-test.json", drop_in);
  }
};

}  // namespace scarlet::test
