// `scarlet-dispatch sandbox -- CMD`: placeholder until the sandbox lands.
#include <iostream>

#include "commands.h"

namespace scarlet::cli {

int run_sandbox(const Options&, const SandboxOptions&) {
  std::cerr << "scarlet-dispatch: sandbox is not built yet\n";
  return 2;
}

}  // namespace scarlet::cli
