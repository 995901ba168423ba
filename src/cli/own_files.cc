#include "own_files.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "scarlet/build_config.h"

namespace scarlet::cli {
namespace {

std::string self_dir() {
  std::string self = self_exe();
  auto slash = self.rfind('/');
  return slash == std::string::npos ? "." : self.substr(0, slash);
}

}  // namespace

std::string self_exe() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "scarlet-dispatch";
}

std::string default_registry() {
  if (::access(kDefaultRegistry, F_OK) == 0) return kDefaultRegistry;
  // config/CMakeLists.txt writes the build tree's registry there.
  char built[PATH_MAX];
  if (::realpath((self_dir() + "/../etc/scarlet-dispatch/registry.json").c_str(), built)) return built;
  return kDefaultRegistry;
}

std::string default_shim() {
  std::string beside = self_dir() + "/scarlet-shim";
  return ::access(beside.c_str(), X_OK) == 0 ? beside : std::string(kLibexecDir) + "/scarlet-shim";
}

}  // namespace scarlet::cli
