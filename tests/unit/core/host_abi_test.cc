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
