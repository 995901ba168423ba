// Scripts that reach the shim: an extension entry (*.com for MS-DOS) catches
// files by name before the kernel's own script handler sees them, so the
// shim must do that handler's job, and the daemon must not mistake a script
// it judges native for a loop.
#include <catch2/catch.hpp>

#include "integration/paths.h"
#include "support/sandbox.h"

using namespace scarlet::test;

TEST_CASE("scripts: a script caught by the .com extension entry runs through its interpreter", "[scripts]") {
  RunResult r = in_sandbox(kCli, kRegistry, R"SH(
printf '#!/bin/sh -e\necho "script ran [$1] [$2]"\n' > $T/tool.com; chmod 755 $T/tool.com
echo '=== run'; $T/tool.com 'a b' c; echo "rc=$?"
echo '=== explain'; $CLI explain --json $T/tool.com | grep -E '"(module|format|native)"'
echo '=== entry'; ls /proc/sys/fs/binfmt_misc | grep -c -i 'com'
)SH");
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["run"] == "script ran [a b] [c]\nrc=0\n");
  CHECK(s["explain"] == "  \"module\": \"script\",\n  \"format\": \"native\",\n  \"native\": true,\n");
  CHECK(s["entry"] != "0\n");  // the extension entry was there to catch it
}
