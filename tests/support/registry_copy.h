// RegistryCopy: a copy of a registry file with one drop-in of the test's
// own, in a scratch directory others can read (removed with the test).
#pragma once

#include <sys/stat.h>

#include <string>

#include "support/temp_dir.h"

namespace scarlet::test {

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
