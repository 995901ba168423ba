// scarlet-shim: the binfmt_misc interpreter. See shim.h.
#include "shim.h"

int main(int argc, char** argv, char** envp) { return scarlet::shim::run(argc, argv, envp); }
