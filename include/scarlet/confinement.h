// Confinement: what a foreign program's runtime may do, as the registry's
// "confine" key says per format and per runtime candidate (the candidate's
// replaces the format's). The shim applies it to itself right before it
// execs the runtime (same pid, no fork), with Landlock (files, TCP ports,
// abstract Unix socket and signal scoping), PR_SET_NO_NEW_PRIVS and a
// seccomp filter from named presets; see src/shim/confine.h for how, and
// docs/registry.md for the key.
//
// A plan carries one Confinement per chain link that has one; the shim
// stacks them as Landlock layers, so a chained runtime gets what every link
// allows and no more (the intersection), and scopes, presets and
// no_new_privs add up.
// Thread-safety: plain values and pure functions (landlock_abi() asks the kernel).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scarlet {

// What a path grant allows beneath it. Writing implies reading; so does
// executing (a dynamic loader or a script interpreter reads what it runs).
namespace access {
inline constexpr std::uint32_t read = 1;
inline constexpr std::uint32_t write = 2;
inline constexpr std::uint32_t execute = 4;
}  // namespace access

// A path, or a placeholder followed by nothing or by "/more": the shim
// resolves {program_dir}, {cwd} and {home}; the dispatcher {runtime_dir}
// (the runtime's directory) and {launcher_dir} (its "via" launcher's).
struct PathGrant {
  std::string path;
  std::uint32_t access = 0;
  bool operator==(const PathGrant&) const = default;
};

struct PortGrant {
  enum Kind : std::uint32_t { bind = 1, connect = 2 };
  std::uint32_t kind = connect;
  std::uint16_t port = 0;
  bool operator==(const PortGrant&) const = default;
};

// Named seccomp presets (bits of Confinement::syscalls).
namespace syscall_preset {
inline constexpr std::uint32_t no_admin = 1;            // mount, modules, reboot, bpf, namespaces, keyrings…: EPERM
inline constexpr std::uint32_t no_ptrace = 2;           // ptrace, process_vm_*, pidfd_getfd: EPERM
inline constexpr std::uint32_t local_sockets_only = 4;  // socket() other than AF_UNIX: EAFNOSUPPORT; no io_uring
inline constexpr std::uint32_t all = 7;
}  // namespace syscall_preset
// "no-admin" -> syscall_preset::no_admin; 0 for an unknown name.
std::uint32_t syscall_preset_bit(std::string_view name);
// The names of the bits set, in a fixed order.
std::vector<std::string> syscall_preset_names(std::uint32_t bits);

struct Confinement {
  bool files = false;               // file access is restricted (to `paths`)
  std::vector<PathGrant> paths;
  bool network = false;             // TCP bind and connect are restricted (to `ports`)
  std::vector<PortGrant> ports;
  bool scope_abstract_unix = false; // no connecting to abstract sockets outside the domain
  bool scope_signal = false;        // no signals to processes outside the domain
  std::optional<bool> no_new_privs; // unset in the registry: on unless the format has flag C
  std::uint32_t syscalls = 0;       // syscall_preset bits
  bool required = false;            // refuse (126) rather than run with part of it unenforced
  std::string where;                // "file:line:column" of the definition
  bool operator==(const Confinement&) const = default;
};

// Whether `c` confines anything (a registry's `"confine": false` does not;
// a policy of no_new_privs alone does).
bool confines_anything(const Confinement& c);

// Placeholders a path grant may begin with.
inline constexpr std::string_view kPlaceholders[] = {"{program_dir}", "{cwd}", "{home}", "{runtime_dir}", "{launcher_dir}"};
// The placeholder `path` begins with ("" for an absolute path), or nullopt
// when it is neither an absolute path nor a known placeholder followed by
// nothing or "/…".
std::optional<std::string_view> placeholder_of(std::string_view path);

// The Landlock ABI version of the running kernel (0: none, or disabled).
int landlock_abi();
// What of `c` a kernel of Landlock ABI `abi` cannot enforce, one phrase
// each ("TCP port rules (Landlock ABI 4; the kernel has 3)"); empty when
// all of it is. no_new_privs and seccomp need no Landlock.
std::vector<std::string> unenforceable(const Confinement& c, int abi);

}  // namespace scarlet
