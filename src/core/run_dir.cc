#include "scarlet/run_dir.h"

#include <cstdlib>

#include "scarlet/build_config.h"

namespace scarlet {

std::string run_dir(bool secure) {
  const char* env = secure ? nullptr : std::getenv("SCARLET_RUNDIR");
  return env && *env == '/' ? env : kDefaultRunDir;
}

}  // namespace scarlet
