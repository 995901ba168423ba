#include "support/user_copy.h"

#include <filesystem>

namespace scarlet::test {

UserCopy::UserCopy(const std::string& binary_dir) {
  namespace fs = std::filesystem;
  const fs::path to = dir_.path();
  const auto options = fs::copy_options::recursive | fs::copy_options::copy_symlinks;
  fs::create_directories(to / "bin");
  for (const char* program : {"scarlet-dispatch", "scarlet-shim", "scarlet-hostile"})
    fs::copy(binary_dir + "/bin/" + program, to / "bin" / program);
  fs::copy(binary_dir + "/libexec", to / "libexec", options);
  fs::copy(binary_dir + "/examples", to / "examples", options);
  std::string registry = read_file(binary_dir + "/etc/scarlet-dispatch/registry.json");
  const std::string launchers = binary_dir + "/libexec";
  for (auto at = registry.find(launchers); at != std::string::npos; at = registry.find(launchers, at))
    registry.replace(at, launchers.size(), (to / "libexec").string());
  dir_.write("etc/scarlet-dispatch/registry.json", registry);
  fs::create_directories(to / "etc/scarlet-dispatch/registry.d");
}

}  // namespace scarlet::test
