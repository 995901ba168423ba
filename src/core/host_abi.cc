#include "scarlet/host_abi.h"

#include <sys/personality.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>

namespace scarlet {
namespace {

bool exists(const char* path) { return ::access(path, F_OK) == 0; }

std::string kernel_cmdline() {
  std::ifstream in("/proc/cmdline");
  return {std::istreambuf_iterator<char>(in), {}};
}

// x86_64 runs i386 when the kernel has IA-32 emulation (it then exposes
// vsyscall32) and it was not switched off with ia32_emulation= at boot.
bool x86_runs_ia32() {
  if (!exists("/proc/sys/abi/vsyscall32")) return false;
  auto cmdline = kernel_cmdline();
  for (auto off : {"ia32_emulation=0", "ia32_emulation=false", "ia32_emulation=off", "ia32_emulation=n"})
    if (cmdline.find(off) != std::string::npos) return false;
  return true;
}

// arm64 refuses PER_LINUX32 unless every CPU can run 32-bit EL0 code.
bool arm64_runs_aarch32() {
  int old = ::personality(0xffffffff);
  if (old == -1 || ::personality(PER_LINUX32) == -1) return false;
  ::personality(static_cast<unsigned long>(old));
  return true;
}

}  // namespace

std::string qemu_target_for_machine(std::string_view m, bool big_endian) {
  auto endian = [&](std::string_view le, std::string_view be) { return std::string(big_endian ? be : le); };
  if (m == "x86_64") return "x86_64";
  if (m == "i386" || m == "i486" || m == "i586" || m == "i686") return "i386";
  if (m == "aarch64" || m == "arm64") return endian("aarch64", "aarch64_be");
  if (m == "aarch64_be") return "aarch64_be";
  if (m.starts_with("arm")) return endian("arm", "armeb");
  if (m == "riscv64" || m == "riscv32") return std::string(m);
  if (m == "ppc64le") return "ppc64le";
  if (m == "ppc64") return endian("ppc64le", "ppc64");
  if (m == "ppc") return "ppc";
  if (m == "s390x") return "s390x";
  if (m == "mips64") return endian("mips64el", "mips64");
  if (m == "mips") return endian("mipsel", "mips");
  if (m == "loongarch64") return "loongarch64";
  if (m == "sparc64") return "sparc64";
  if (m == "sparc") return "sparc";
  if (m == "alpha") return "alpha";
  if (m == "m68k") return "m68k";
  if (m.starts_with("sh")) return endian("sh4", "sh4eb");
  if (m == "parisc") return "hppa";
  return {};
}

HostAbi HostAbi::detect() {
  struct utsname u {};
  ::uname(&u);
  const bool big_endian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
  std::vector<std::string> formats;
  auto primary = qemu_target_for_machine(u.machine, big_endian);
  if (!primary.empty()) formats.push_back("elf:" + primary);
  if (primary == "x86_64" && x86_runs_ia32()) formats.push_back("elf:i386");
  if ((primary == "aarch64" || primary == "aarch64_be") && arm64_runs_aarch32())
    formats.push_back(big_endian ? "elf:armeb" : "elf:arm");
  return HostAbi(std::move(formats));
}

bool HostAbi::runs(std::string_view format) const {
  return std::find(formats_.begin(), formats_.end(), format) != formats_.end();
}

}  // namespace scarlet
