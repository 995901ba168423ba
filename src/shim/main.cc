// scarlet-shim: the binfmt_misc interpreter. See shim.h.
#include "fast_entry.h"
#include "shim.h"

// Reached only when the fast path (fast_entry.cc) handed over.
int main(int argc, char** argv, char** envp) {
  return scarlet::shim::run(argc, argv, envp, scarlet::shim::fast::daemon_did_not_answer());
}
