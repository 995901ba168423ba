// HostAbi: which ELF formats this machine runs itself, without a runtime.
//
// detect() asks the running system, not a fixed list: the kernel's machine
// name gives the primary ABI, and probes add the compat ABIs the kernel
// actually accepts: i386 on x86_64 when IA-32 emulation is built in and on
// (its boot switch, and the default the kernel was built with); AArch32 on
// arm64 when every CPU runs 32-bit EL0; on ppc64, mips64, sparc64 and
// riscv64, the 32-bit ABIs whose compat options the running kernel was
// built with (its config in /boot or /proc/config.gz). Where it cannot be
// read, no
// compat ABI is claimed: such programs then go to qemu, which runs them
// anyway, rather than to a kernel that might refuse them.
// Thread-safety: an immutable value after construction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace scarlet {

// What detect() learns from the running system (tests supply their own).
struct HostProbes {
  std::string machine;                     // uname -m
  bool big_endian = false;                 // the byte order we were built for
  bool ia32 = false;                       // x86_64: IA-32 emulation built in and switched on
  bool aarch32 = false;                    // arm64: every CPU runs 32-bit EL0
  std::vector<std::string> kernel_config;  // CONFIG_* options built in (=y); empty when unknown
};

class HostAbi {
 public:
  HostAbi() = default;
  explicit HostAbi(std::vector<std::string> formats) : formats_(std::move(formats)) {}
  static HostAbi detect();
  static HostAbi from(const HostProbes& probes);

  // True for a format id such as "elf:i386" that the host runs natively.
  bool runs(std::string_view format) const;
  const std::vector<std::string>& formats() const { return formats_; }

 private:
  std::vector<std::string> formats_;
};

// The qemu-user target name for a `uname -m` machine, given the byte order we
// were built for ("aarch64" + big endian -> "aarch64_be"); empty if unknown.
std::string qemu_target_for_machine(std::string_view uname_machine, bool big_endian);

}  // namespace scarlet
