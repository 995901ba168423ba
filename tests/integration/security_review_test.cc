// Issue 11, the security review: a regression test for each finding the
// unit tests cannot show alone, with real shims, daemons and runtimes in a
// sandbox. Named "security: …" with the finding.
#include <catch2/catch.hpp>

#include "integration/paths.h"
#include "support/sandbox.h"

using namespace scarlet::test;

namespace {

const std::vector<std::string> kEnv = {"EXAMPLES=" + kExamples};

}  // namespace

TEST_CASE("security: a WebAssembly program sees the current directory and no environment, nothing outside (issue 11, finding 9)", "[security]") {
  // Whichever WASI runtime the registry finds first here (Node's on Debian 12).
  RunResult r = in_sandbox(kCli, kRegistry, R"SH(
mkdir $T/inside $T/outside; echo x > $T/inside/here.txt; echo secret > $T/outside/secret.txt
cd $T/inside
echo '=== sees'; FOO=bar $EXAMPLES/wasm/sees.wasm here.txt ../outside/secret.txt outside/secret.txt passwd hostname; echo rc=$?
)SH", "", kEnv);
  INFO(r.err);
  CHECK(sections(r.out)["sees"] ==
        "env=0\npreopen=.\n"
        "open here.txt: yes\nopen ../outside/secret.txt: no\nopen outside/secret.txt: no\nopen passwd: no\nopen hostname: no\n"
        "rc=0\n");
}
