#include "scarlet/host_abi.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <catch2/catch.hpp>

using namespace scarlet;

TEST_CASE("host_abi: uname machines map to qemu targets", "[host]") {
  CHECK(qemu_target_for_machine("x86_64", false) == "x86_64");
  CHECK(qemu_target_for_machine("i686", false) == "i386");
  CHECK(qemu_target_for_machine("aarch64", false) == "aarch64");
  CHECK(qemu_target_for_machine("aarch64", true) == "aarch64_be");
  CHECK(qemu_target_for_machine("armv7l", false) == "arm");
  CHECK(qemu_target_for_machine("ppc64le", false) == "ppc64le");
  CHECK(qemu_target_for_machine("mips64", false) == "mips64el");
  CHECK(qemu_target_for_machine("mips64", true) == "mips64");
  CHECK(qemu_target_for_machine("parisc", true) == "hppa");
  CHECK(qemu_target_for_machine("vax", false).empty());
}

TEST_CASE("host_abi: detected from the running system", "[host]") {
  HostAbi host = HostAbi::detect();
  struct utsname u {};
  ::uname(&u);
  REQUIRE_FALSE(host.formats().empty());
  CHECK(host.formats()[0] == "elf:" + qemu_target_for_machine(u.machine, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__));
  CHECK(host.runs(host.formats()[0]));
  CHECK_FALSE(host.runs("elf:s390x") == (std::string(u.machine) != "s390x"));
  if (std::string(u.machine) == "x86_64")  // this kernel has IA-32 emulation exactly when it exposes vsyscall32
    CHECK(host.runs("elf:i386") == (::access("/proc/sys/abi/vsyscall32", F_OK) == 0));
}

TEST_CASE("host_abi: compat ABIs follow the probes of the running kernel", "[host]") {
  auto formats = [](HostProbes p) { return HostAbi::from(p).formats(); };
  using F = std::vector<std::string>;
  CHECK(formats({"x86_64", false, true, false, {}}) == F{"elf:x86_64", "elf:i386"});
  CHECK(formats({"x86_64", false, false, false, {}}) == F{"elf:x86_64"});  // IA-32 emulation off
  CHECK(formats({"aarch64", false, false, true, {}}) == F{"elf:aarch64", "elf:arm"});
  CHECK(formats({"aarch64", true, false, true, {}}) == F{"elf:aarch64_be", "elf:armeb"});
  CHECK(formats({"aarch64", false, false, false, {}}) == F{"elf:aarch64"});  // CPUs without AArch32
  CHECK(formats({"ppc64", true, false, false, {"CONFIG_COMPAT"}}) == F{"elf:ppc64", "elf:ppc"});
  CHECK(formats({"ppc64le", false, false, false, {"CONFIG_COMPAT"}}) == F{"elf:ppc64le"});
  CHECK(formats({"mips64", false, false, false, {"CONFIG_MIPS32_O32", "CONFIG_MIPS32_N32"}}) ==
        F{"elf:mips64el", "elf:mipsel", "elf:mipsn32el"});
  CHECK(formats({"mips64", true, false, false, {"CONFIG_MIPS32_N32"}}) == F{"elf:mips64", "elf:mipsn32"});
  CHECK(formats({"sparc64", true, false, false, {"CONFIG_COMPAT"}}) == F{"elf:sparc64", "elf:sparc32plus", "elf:sparc"});
  CHECK(formats({"riscv64", false, false, false, {"CONFIG_COMPAT"}}) == F{"elf:riscv64", "elf:riscv32"});
  // Without the kernel's config nothing is claimed: qemu runs such programs anyway.
  CHECK(formats({"sparc64", true, false, false, {}}) == F{"elf:sparc64"});
  CHECK(formats({"vax", false, false, false, {}}).empty());
}
