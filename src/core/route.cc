#include "scarlet/route.h"

#include <unistd.h>

#include <algorithm>

namespace scarlet {
namespace {

// Flags of an entry the kernel hands straight to a direct interpreter: P,
// because it expects argv[0] after the path (qemu's *-binfmt-P names), and
// F, so that it is found in every chroot and container.
constexpr const char* kDirectFlags = "PF";

bool shares_bytes(const FormatEntry& format, const FormatEntry& other) {
  for (const auto& a : format.binfmt)
    for (const auto& b : other.binfmt)
      if (overlaps(a, b)) return true;
  return false;
}

std::string first_existing(const RuntimeCandidate& c) {
  for (const auto& choice : c.env_if_exists)
    for (const auto& path : choice.paths)
      if (::access(path.c_str(), F_OK) == 0) return path;
  return "";
}

// Why the runtime of `format` depends on the program (a condition, a pin,
// a discovery glob), which the kernel cannot know; "" when it does not.
std::string chosen_per_program(const FormatEntry& format, const Registry& registry) {
  for (const auto& r : format.runtimes)
    if (!r.when.empty() || is_glob(r.path)) return "its runtime is chosen per program (\"when\" or a discovery glob)";
  for (const auto& pin : registry.pins())
    if (pin.format == format.id || (pin.format.empty() && std::any_of(format.runtimes.begin(), format.runtimes.end(), [&](const RuntimeCandidate& r) { return glob_names(r.path, pin.runtime); })))
      return "a pin (" + pin.where + ") may choose its runtime per program";
  return "";
}

// Why `format` cannot take the kernel route, or "" when it can; `c` is then
// the candidate whose direct interpreter is used.
std::string why_not_direct(const FormatEntry& format, const std::vector<const FormatEntry*>& active,
                           const Dispatcher& dispatcher, const TrustPolicy& trust, const RuntimeCandidate*& c) {
  if (!format.direct) return "the registry keeps it on the shim (\"direct\": false)";
  if (format.flags.find('C') != std::string::npos)
    return "it has flag C, and a setuid program's runtime must not be steered by the invoking user's environment";
  if (std::any_of(format.binfmt.begin(), format.binfmt.end(), [](const MatchSpec& m) { return m.magic.empty(); }))
    return "it is matched by file name, which says nothing of the contents";
  for (const FormatEntry* other : active)
    if (other != &format && shares_bytes(format, *other))
      return "its entries match the same bytes as " + other->id + "'s, and only a module can tell them apart";
  Status status;
  ChainLink link = dispatcher.runtime_for(format.id, status);
  if (!status.ok()) return "no runtime of it is installed and trusted";
  auto it = std::find_if(format.runtimes.begin(), format.runtimes.end(),
                         [&](const RuntimeCandidate& r) { return r.path == link.runtime; });
  if (it == format.runtimes.end() || it->direct.empty()) return "its runtime " + link.runtime + " has no direct interpreter";
  if (std::string why = chosen_per_program(format, dispatcher.registry()); !why.empty()) return why;
  if (!link.runtime_format.empty() && link.runtime_format != kNativeFormat) return "its runtime chains through " + link.runtime_format;
  if (!it->via.empty()) return "its runtime runs through the launcher " + it->via;
  if (!format.limits.empty() || !it->limits.empty()) return "it has limits, which the shim applies";
  if (format.resources.any() || it->resources.any()) return "it has resources, which are set up per exec";
  if (!it->env.empty()) return "its runtime's environment is set per exec";
  if (auto trusted = trusted_runtime_path(it->direct, trust); !trusted.ok())
    return "its direct interpreter cannot be used: " + trusted.status().message();
  c = &*it;
  return "";
}

}  // namespace

const char* route_name(Route::Kind kind) { return kind == Route::Kind::kernel ? "kernel" : "shim"; }

std::map<std::string, Route> plan_routes(const Dispatcher& dispatcher, const std::vector<std::string>& native_formats,
                                         const std::string& shim, const TrustPolicy& trust) {
  std::vector<const FormatEntry*> active;
  for (const auto& [id, format] : dispatcher.registry().formats())
    if (format.enabled && !format.binfmt.empty() &&
        std::find(native_formats.begin(), native_formats.end(), id) == native_formats.end())
      active.push_back(&format);
  std::map<std::string, Route> routes;
  for (const FormatEntry* format : active) {
    Route r;
    const RuntimeCandidate* c = nullptr;
    std::string why = why_not_direct(*format, active, dispatcher, trust, c);
    if (c) {
      r.kind = Route::Kind::kernel;
      r.interpreter = c->direct;
      r.flags = kDirectFlags;
      r.reason = "the kernel starts " + c->direct + " itself: nothing of ours runs per exec, in every chroot and container";
      r.sysroot_link = c->direct_sysroot;
      if (!r.sysroot_link.empty()) r.sysroot = first_existing(*c);
    } else {
      r.interpreter = shim;
      r.flags = format->flags;
      r.reason = "scarlet-shim decides each exec, because " + why;
    }
    routes.emplace(format->id, std::move(r));
  }
  return routes;
}

}  // namespace scarlet
