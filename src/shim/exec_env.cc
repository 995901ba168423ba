#include "exec_env.h"

#include <algorithm>

namespace scarlet::shim {
namespace {

// Environment that runtimes (or the C library under them) take orders from.
constexpr const char* kSteering[] = {
    "LD_", "QEMU_", "WINE", "MONO_", "DOTNET_", "COREHOST_", "NODE_", "JAVA_TOOL_OPTIONS=", "_JAVA_OPTIONS=",
    "JDK_JAVA_OPTIONS=", "JAVA_HOME=", "CLASSPATH=", "SDL_", "DOSBOX", "WASMTIME_", "WASMER_", "GCONV_PATH=",
    "LOCPATH=", "MALLOC_", "GLIBC_TUNABLES=", "SCARLET_", "TMPDIR=", "PATH=", "HOME=",
};

std::string name_of(const std::string& entry) { return entry.substr(0, entry.find('=')); }

}  // namespace

std::vector<std::string> final_argv(const wire::DecideReply& plan, const std::vector<std::string>& args) {
  std::vector<std::string> out = plan.argv;
  if (plan.args_at >= 0) out.insert(out.begin() + plan.args_at, args.begin(), args.end());
  return out;
}

bool steers_runtime(const std::string& entry) {
  return std::any_of(std::begin(kSteering), std::end(kSteering),
                     [&](const char* prefix) { return entry.starts_with(prefix); });
}

std::vector<std::string> final_env(const std::vector<std::string>& inherited, const std::vector<EnvVar>& plan_env,
                                   bool secure, const std::string& marker_value) {
  std::vector<std::string> out;
  for (const auto& e : inherited) {
    if (name_of(e) == kLoopMarker || (secure && steers_runtime(e))) continue;
    if (std::any_of(plan_env.begin(), plan_env.end(), [&](const EnvVar& v) { return v.name == name_of(e); })) continue;
    out.push_back(e);
  }
  if (secure) out.push_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  for (const auto& v : plan_env) out.push_back(v.name + "=" + v.value);
  out.push_back(std::string(kLoopMarker) + "=" + marker_value);
  return out;
}

std::string loop_marker_value(long pid, unsigned long long dev, unsigned long long ino) {
  return std::to_string(pid) + ":" + std::to_string(dev) + ":" + std::to_string(ino);
}

}  // namespace scarlet::shim
