#include "scarlet/confinement.h"

#include <sys/syscall.h>
#include <unistd.h>

namespace scarlet {
namespace {

struct PresetName {
  const char* name;
  std::uint32_t bit;
};
constexpr PresetName kPresets[] = {
    {"no-admin", syscall_preset::no_admin},
    {"no-ptrace", syscall_preset::no_ptrace},
    {"local-sockets-only", syscall_preset::local_sockets_only},
};

// The Landlock ABI versions that brought each feature (Documentation/userspace-api/landlock.rst).
// (ABI 2's REFER only loosens: before it, renames across directories are always denied.)
constexpr int kAbiTruncate = 3, kAbiNetwork = 4, kAbiScopes = 6;

}  // namespace

std::uint32_t syscall_preset_bit(std::string_view name) {
  for (const auto& p : kPresets)
    if (name == p.name) return p.bit;
  return 0;
}

std::vector<std::string> syscall_preset_names(std::uint32_t bits) {
  std::vector<std::string> out;
  for (const auto& p : kPresets)
    if (bits & p.bit) out.emplace_back(p.name);
  return out;
}

bool confines_anything(const Confinement& c) {
  return c.files || c.network || c.scope_abstract_unix || c.scope_signal || c.syscalls != 0 || c.no_new_privs.value_or(true);
}

std::optional<std::string_view> placeholder_of(std::string_view path) {
  if (path.starts_with('/')) return std::string_view();
  for (std::string_view p : kPlaceholders)
    if (path.starts_with(p) && (path.size() == p.size() || path[p.size()] == '/')) return p;
  return std::nullopt;
}

int landlock_abi() {
  // landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)
  const long v = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, 1U);
  return v > 0 ? static_cast<int>(v) : 0;
}

std::vector<std::string> unenforceable(const Confinement& c, int abi) {
  std::vector<std::string> out;
  const std::string have = abi == 0 ? "the kernel has none" : "the kernel has " + std::to_string(abi);
  auto need = [&](bool wanted, int version, const std::string& what) {
    if (wanted && abi < version) out.push_back(what + " (Landlock ABI " + std::to_string(version) + "; " + have + ")");
  };
  need(c.files, 1, "file access rules");
  need(c.files, kAbiTruncate, "truncation outside writable paths");
  need(c.network, kAbiNetwork, "TCP port rules");
  need(c.scope_abstract_unix, kAbiScopes, "abstract Unix socket scoping");
  need(c.scope_signal, kAbiScopes, "signal scoping");
  return out;
}

}  // namespace scarlet
