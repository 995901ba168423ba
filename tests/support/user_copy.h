// UserCopy: what the tests run as an ordinary user (uid 1000), copied where
// that user can reach it. The checkout may sit in a directory only root may
// enter (a 0700 home or mktemp -d), and a test must not depend on where it is.
// The copies are root-owned in a 0755 scratch directory, so they are still
// trusted as runtimes and as the shim. Removed with the test.
#pragma once

#include <string>

#include "support/temp_dir.h"

namespace scarlet::test {

class UserCopy {
 public:
  // `binary_dir`: the build tree (bin/, etc/scarlet-dispatch/, libexec/, examples/).
  explicit UserCopy(const std::string& binary_dir);

  std::string cli() const { return dir_.path() + "/bin/scarlet-dispatch"; }
  std::string hostile() const { return dir_.path() + "/bin/scarlet-hostile"; }
  // The build tree's registry, naming the copied launchers.
  std::string registry() const { return dir_.path() + "/etc/scarlet-dispatch/registry.json"; }
  std::string examples() const { return dir_.path() + "/examples"; }

 private:
  TempDir dir_;
};

}  // namespace scarlet::test
