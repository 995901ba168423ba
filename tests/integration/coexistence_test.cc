// Other tools' entries for the same files (qemu-user-binfmt, binfmt-support,
// WSLInterop), under either precedence.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "integration/paths.h"
#include "support/sandbox.h"
#include "support/temp_dir.h"

using namespace scarlet::test;

namespace {

const std::vector<std::string> kEnv = {"EXAMPLES=" + kExamples};

// Registers "qemu-aarch64" like qemu-user-binfmt would, with an interpreter
// that says who ran, then waits for the daemon's next look (every second).
const std::string kOtherTool = R"SH(
printf '#!/bin/sh\necho "other tool ran $1"\n' > $T/other-interp; chmod 755 $T/other-interp
echo ":qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:$T/other-interp:" > /proc/sys/fs/binfmt_misc/register
sleep 2.2
)SH";

}  // namespace

TEST_CASE("coexistence: with precedence ours, an entry another tool registers later is overtaken", "[coexistence]") {
  RunResult r = in_sandbox(kCli, kRegistry, kOtherTool + R"SH(
echo '=== runs'; $EXAMPLES/elf/hello-aarch64-static | head -n 1
echo '=== status'; $CLI status --json
echo '=== text'; $CLI status | sed -n '/^other tools/,/^runtimes:/p' | sed "s|$T/|\$T/|"
)SH", "", kEnv);
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["runs"] == "hello from elf:aarch64\n");
  auto status = nlohmann::json::parse(s["status"]);
  CHECK(status["precedence"] == "ours");
  REQUIRE(status["other_entries"].size() == 1);
  CHECK(status["other_entries"][0]["kernel_uses"] == "scarlet-elf.aarch64");
  // What an admin reads without --json.
  CHECK(s["text"] == "other tools' entries overlapping ours (precedence ours):\n"
                     "  qemu-aarch64 ($T/other-interp) overlaps scarlet-elf.aarch64; "
                     "the kernel uses scarlet-elf.aarch64\nruntimes:\n");
}

TEST_CASE("coexistence: with precedence theirs, ours stand back and return when theirs go", "[coexistence]") {
  TempDir dir;
  std::string reg = dir.write("registry.json", read_file(kRegistry));
  dir.write("registry.d/50-theirs.json", R"({"version": 1, "precedence": "theirs"})");
  RunResult r = in_sandbox(kCli, reg, kOtherTool + R"SH(
echo '=== runs'; $EXAMPLES/elf/hello-aarch64-static | head -n 1
echo '=== status'; $CLI status --json
echo '=== text'; $CLI status | sed -n '/^other tools/,/^runtimes:/p' | sed "s|$T/|\$T/|"
echo -1 > /proc/sys/fs/binfmt_misc/qemu-aarch64; sleep 2.2
echo '=== back'; $EXAMPLES/elf/hello-aarch64-static | head -n 1
)SH", "", kEnv);
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s["runs"].starts_with("other tool ran "));
  auto status = nlohmann::json::parse(s["status"]);
  CHECK(status["precedence"] == "theirs");
  REQUIRE(status["other_entries"].size() == 1);
  CHECK(status["other_entries"][0]["kernel_uses"] == "qemu-aarch64");
  CHECK(s["text"] == "other tools' entries overlapping ours (precedence theirs):\n"
                     "  qemu-aarch64 ($T/other-interp) overlaps scarlet-elf.aarch64; "
                     "the kernel uses qemu-aarch64\nruntimes:\n");
  CHECK(s["back"] == "hello from elf:aarch64\n");
}

TEST_CASE("coexistence: WSLInterop keeps Windows programs when scarlet stands back", "[coexistence]") {
  TempDir dir;
  std::string reg = dir.write("registry.json", read_file(kRegistry));
  dir.write("registry.d/50-theirs.json", R"({"version": 1, "precedence": "theirs"})");
  RunResult r = in_sandbox(kCli, reg, R"SH(
printf '#!/bin/sh\necho "WSL ran $1"\n' > $T/init; chmod 755 $T/init
echo ":WSLInterop:M::MZ::$T/init:PF" > /proc/sys/fs/binfmt_misc/register
sleep 2.2
$EXAMPLES/pe/hello64.exe
ls /proc/sys/fs/binfmt_misc | grep -c -e '^scarlet-msdos$' -e '^scarlet-pe\.' -e '^scarlet-clr$'
)SH", "", kEnv);
  INFO(r.err);
  CHECK(r.out == "WSL ran " + kExamples + "/pe/hello64.exe\n0\n");
}

TEST_CASE("coexistence: tonistiigi/binfmt's --uninstall arm64 removes its entries, not ours", "[coexistence]") {
  // Its uninstall writes -1 to every entry whose name is the architecture
  // or ends in "-<architecture>"; no name of ours ends so (binfmt_entry.h).
  RunResult r = in_sandbox(kCli, kRegistry, kOtherTool + R"SH(
B=/proc/sys/fs/binfmt_misc
for e in $B/*; do
  n=${e##*/}
  case $n in aarch64|*-aarch64) echo -1 > $e; echo "uninstalled $n";; esac
done
sleep 1.2
echo '=== left'; ls $B | grep -x -e qemu-aarch64 -e scarlet-elf.aarch64
echo '=== runs'; $EXAMPLES/elf/hello-aarch64-static | head -n 1
grep -c 'removed by someone else' $SCARLET_RUNDIR/daemon.log
)SH", "", kEnv);
  INFO(r.err);
  auto s = sections(r.out);
  CHECK(s[""] == "uninstalled qemu-aarch64\n");
  CHECK(s["left"] == "scarlet-elf.aarch64\n");
  CHECK(s["runs"] == "hello from elf:aarch64\n0\n");
}
