// HostAbi: which ELF formats this machine runs itself, without a runtime.
//
// detect() asks the running system, not a fixed list: the kernel's machine
// name gives the primary ABI, and per-architecture probes add the compat ABIs
// the kernel actually accepts (i386 on x86_64 when IA-32 emulation is built in
// and not disabled at boot; AArch32 on arm64 when the CPU has 32-bit EL0).
// Thread-safety: an immutable value after construction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace scarlet {

class HostAbi {
 public:
  HostAbi() = default;
  explicit HostAbi(std::vector<std::string> formats) : formats_(std::move(formats)) {}
  static HostAbi detect();

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
