// Headers of programs the host runs itself. A registry rule or kernel entry
// whose magic matches one of these would capture native programs (at best a
// loop, at worst a host that cannot start anything), so the registry refuses it.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "scarlet/host_abi.h"

namespace scarlet {

struct NativeSample {
  std::string what;  // for messages: "x86_64 ELF executable"
  std::string head;  // the first bytes, up to 256
};

// Synthetic ELF headers (executable and PIE, SYSV and GNU OSABI) for every
// ABI the host runs, and "#!" lines of the common interpreters (the shells,
// env, python3, perl… in /bin, /usr/bin and /usr/local/bin).
std::vector<NativeSample> native_samples(const HostAbi& host);

// The first 256 bytes of the file at `path`, as a sample; nothing if unreadable.
std::vector<NativeSample> file_sample(const std::string& what, const std::string& path);

// Real programs every host runs: this program itself, the shell, env. Their
// bytes beyond the ELF header (program headers, say) catch rules that the
// synthetic headers cannot.
std::vector<NativeSample> host_program_samples();

}  // namespace scarlet
