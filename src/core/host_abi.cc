#include "scarlet/host_abi.h"

#include <sys/personality.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <iterator>

namespace scarlet {
namespace {

bool exists(const char* path) { return ::access(path, F_OK) == 0; }

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// The options the running kernel was built with (=y): from the config
// Debian installs beside it, else the kernel's own /proc/config.gz (zlib
// reads both, compressed or not); empty when there is neither.
std::vector<std::string> kernel_config(const char* release) {
  std::vector<std::string> on;
  for (const std::string& path : {std::string("/boot/config-") + release, std::string("/proc/config.gz")}) {
    gzFile f = ::gzopen(path.c_str(), "rb");
    if (!f) continue;
    char line[512];
    while (::gzgets(f, line, sizeof line)) {
      std::string_view l(line);
      while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.remove_suffix(1);
      if (l.starts_with("CONFIG_") && l.ends_with("=y")) on.emplace_back(l.substr(0, l.size() - 2));
    }
    ::gzclose(f);
    if (!on.empty()) break;
  }
  return on;
}

bool has(const std::vector<std::string>& config, std::string_view option) {
  return std::find(config.begin(), config.end(), option) != config.end();
}

// x86_64 runs i386 when the kernel has IA-32 emulation (it then exposes
// vsyscall32) and it is on: ia32_emulation= at boot decides, else the
// default the kernel was built with (Linux 6.7+ can default to off).
bool x86_runs_ia32(const char* release) {
  if (!exists("/proc/sys/abi/vsyscall32")) return false;
  auto cmdline = read_all("/proc/cmdline");
  for (auto off : {"ia32_emulation=0", "ia32_emulation=false", "ia32_emulation=off", "ia32_emulation=n"})
    if (cmdline.find(off) != std::string::npos) return false;
  for (auto on : {"ia32_emulation=1", "ia32_emulation=true", "ia32_emulation=on", "ia32_emulation=y"})
    if (cmdline.find(on) != std::string::npos) return true;
  return !has(kernel_config(release), "CONFIG_IA32_EMULATION_DEFAULT_DISABLED");
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
  HostProbes p;
  p.machine = u.machine;
  p.big_endian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
  const std::string primary = qemu_target_for_machine(p.machine, p.big_endian);
  p.ia32 = primary == "x86_64" && x86_runs_ia32(u.release);
  p.aarch32 = primary.starts_with("aarch64") && arm64_runs_aarch32();
  // Only these read the kernel's config: it costs a millisecond or so.
  for (const char* compat_host : {"ppc64", "mips64", "mips64el", "sparc64", "riscv64"})
    if (primary == compat_host) p.kernel_config = kernel_config(u.release);
  return from(p);
}

HostAbi HostAbi::from(const HostProbes& p) {
  std::vector<std::string> formats;
  const std::string primary = qemu_target_for_machine(p.machine, p.big_endian);
  if (primary.empty()) return HostAbi();
  formats.push_back("elf:" + primary);
  auto add_if = [&](bool on, std::string format) {
    if (on) formats.push_back(std::move(format));
  };
  const bool compat = has(p.kernel_config, "CONFIG_COMPAT");
  add_if(primary == "x86_64" && p.ia32, "elf:i386");
  add_if(primary == "aarch64" && p.aarch32, "elf:arm");
  add_if(primary == "aarch64_be" && p.aarch32, "elf:armeb");
  add_if(primary == "ppc64" && compat, "elf:ppc");
  add_if(primary == "sparc64" && compat, "elf:sparc32plus");
  add_if(primary == "sparc64" && compat, "elf:sparc");
  add_if(primary == "riscv64" && compat, "elf:riscv32");
  if (primary.starts_with("mips64")) {
    const bool el = primary == "mips64el";
    add_if(has(p.kernel_config, "CONFIG_MIPS32_O32"), el ? "elf:mipsel" : "elf:mips");
    add_if(has(p.kernel_config, "CONFIG_MIPS32_N32"), el ? "elf:mipsn32el" : "elf:mipsn32");
  }
  return HostAbi(std::move(formats));
}

bool HostAbi::runs(std::string_view format) const {
  return std::find(formats_.begin(), formats_.end(), format) != formats_.end();
}

}  // namespace scarlet
