#include "exec_env.h"

#include <algorithm>

namespace scarlet::shim {
namespace {

// Environment that runtimes (or the C library under them) take orders from.
constexpr std::string_view kSteering[] = {
    "LD_", "QEMU_", "WINE", "MONO_", "DOTNET_", "COREHOST_", "NODE_", "JAVA_TOOL_OPTIONS=", "_JAVA_OPTIONS=",
    "JDK_JAVA_OPTIONS=", "JAVA_HOME=", "CLASSPATH=", "SDL_", "DOSBOX", "WASMTIME_", "WASMER_", "GCONV_PATH=",
    "LOCPATH=", "MALLOC_", "GLIBC_TUNABLES=", "SCARLET_", "TMPDIR=", "PATH=", "HOME=",
};

std::string_view name_of(std::string_view entry) { return entry.substr(0, entry.find('=')); }

std::vector<std::string> values_of(const std::vector<char*>& list) {
  std::vector<std::string> out;
  for (char* s : list)
    if (s) out.emplace_back(s);
  return out;
}

}  // namespace

std::vector<char*> runtime_argv(const wire::DecideReply& plan, const std::vector<std::string>& args) {
  // execve takes char* const[] and never writes through it.
  auto ptr = [](const std::string& s) { return const_cast<char*>(s.c_str()); };
  std::vector<char*> out;
  out.reserve(plan.argv.size() + args.size() + 1);
  for (std::size_t i = 0; i <= plan.argv.size(); ++i) {
    if (static_cast<std::int32_t>(i) == plan.args_at)
      for (const auto& a : args) out.push_back(ptr(a));
    if (i < plan.argv.size()) out.push_back(ptr(plan.argv[i]));
  }
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> final_argv(const wire::DecideReply& plan, const std::vector<std::string>& args) {
  return values_of(runtime_argv(plan, args));
}

bool steers_runtime(std::string_view entry) {
  return std::any_of(std::begin(kSteering), std::end(kSteering),
                     [&](std::string_view prefix) { return entry.starts_with(prefix); });
}

std::vector<char*> runtime_env(char* const* inherited, const std::vector<EnvVar>& plan_env, bool secure,
                               const std::string& marker_value, std::vector<std::string>& added) {
  // `added` is filled before any pointer into it is taken: it never moves after.
  added.clear();
  if (secure) added.emplace_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  for (const auto& v : plan_env) added.push_back(v.name + "=" + v.value);
  added.push_back(std::string(kLoopMarker) + "=" + marker_value);

  std::vector<char*> out;
  for (char* const* e = inherited; *e; ++e) {
    std::string_view name = name_of(*e);
    if (name == kLoopMarker || (secure && steers_runtime(*e))) continue;
    if (std::any_of(plan_env.begin(), plan_env.end(), [&](const EnvVar& v) { return v.name == name; })) continue;
    out.push_back(*e);
  }
  for (auto& a : added) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> final_env(const std::vector<std::string>& inherited, const std::vector<EnvVar>& plan_env,
                                   bool secure, const std::string& marker_value) {
  std::vector<char*> in;
  for (const auto& e : inherited) in.push_back(const_cast<char*>(e.c_str()));
  in.push_back(nullptr);
  std::vector<std::string> added;
  return values_of(runtime_env(in.data(), plan_env, secure, marker_value, added));
}

std::string loop_marker_value(long pid, unsigned long long dev, unsigned long long ino) {
  return std::to_string(pid) + ":" + std::to_string(dev) + ":" + std::to_string(ino);
}

int script_depth(const char* value, long pid) {
  if (!value) return 0;
  const std::string mine = std::to_string(pid) + ":";
  std::string_view v(value);
  if (!v.starts_with(mine)) return 0;
  v.remove_prefix(mine.size());
  if (v.empty() || v.size() > 2 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) return 0;
  return std::stoi(std::string(v));
}

std::vector<char*> script_env(char* const* inherited, long pid, int depth, std::string& entry) {
  entry = std::string(kScriptDepth) + "=" + std::to_string(pid) + ":" + std::to_string(depth);
  std::vector<char*> out;
  for (char* const* e = inherited; *e; ++e)
    if (name_of(*e) != kScriptDepth) out.push_back(*e);
  out.push_back(entry.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace scarlet::shim
