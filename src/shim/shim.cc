#include "shim.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "builtin_registry.h"
#include "confine.h"
#include "exec_env.h"
#include "kernel_args.h"
#include "limit_rule.h"
#include "scarlet/build_config.h"
#include "scarlet/client.h"
#include "scarlet/printable.h"
#include "scarlet/registry_loader.h"
#include "scarlet/resource_fallback.h"
#include "scarlet/run_dir.h"
#include "scarlet/shebang.h"
#include "scarlet/unique_fd.h"

namespace scarlet::shim {
namespace {

// One line on stderr: "scarlet: PATH: MESSAGE". No iostreams in the shim:
// their static set-up would cost every foreign exec.
int say(const std::string& path, const std::string& message, int code) {
  // Both may come from a hostile file's bytes: no escapes reach the terminal.
  std::string line = "scarlet: " + printable(path) + ": " + printable(message) + "\n";
  [[maybe_unused]] auto n = ::write(2, line.data(), line.size());
  return code;
}

std::vector<char*> c_strings(std::vector<std::string>& list) {
  std::vector<char*> out;
  for (auto& s : list) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// The registry to decide from here: the one the daemon last had in force
// (its snapshot, when believable: run_dir.h), or the installed one when no
// daemon ever ran, or where neither exists (a container with nothing of
// ours) the one built in, which `builtin` then says.
Result<std::shared_ptr<const Registry>> registry_here(const KernelArgs& k, const HostAbi& host, bool& builtin) {
  const std::string snapshot = snapshot_path(run_dir(k.secure));
  auto files = believable_file(snapshot) ? read_registry_snapshot(snapshot)
                                         : Result<std::vector<RegistryFile>>(Code::not_found, snapshot + ": not believed");
  if (!files.ok()) files = read_registry_files(kDefaultRegistry);
  builtin = !files.ok() && files.status().code() == Code::not_found;
  if (builtin) files = std::vector<RegistryFile>{{"scarlet-shim's built-in registry", kBuiltinRegistry}};
  return files.ok() ? parse_registry_for(*files, host) : Result<std::shared_ptr<const Registry>>(files.status());
}

// The decision made here (registry_here).
wire::DecideReply decide_here(const KernelArgs& k, int fd, const std::vector<SkippedRuntime>& failed = {}) {
  HostAbi host = HostAbi::detect();
  bool builtin = false;
  auto registry = registry_here(k, host, builtin);
  wire::DecideReply reply;
  if (!registry.ok()) {
    reply.exit_code = 126;
    reply.message = "no usable registry: " + registry.status().message();
    return reply;
  }
  auto view = FileView::over_fd(fd);
  if (!view.ok()) {
    reply.exit_code = exit_code_for(view.status());
    reply.message = view.status().message();
    return reply;
  }
  Dispatcher dispatcher(std::move(registry).value(), host, TrustPolicy::detect());
  Decision d = dispatcher.decide(*view, Invocation{k.path, k.argv0, {}, fd, failed});
  auto reply_here = wire::to_reply(d);
  // No daemon, so no systemd scope: what rlimits can say stands in
  // (resource_fallback.h; explain says so too).
  if (d.status.ok() && d.plan.resources.any())
    reply_here.limits = tightened_limits(reply_here.limits, rlimit_fallback(d.plan.resources, tasks_of_user(::getuid())));
  // Said so, because what is missing is missing here, not on the host.
  if (builtin && reply_here.exit_code != 0)
    reply_here.message += " in this root (no daemon or registry of scarlet-dispatch is reachable from it)";
  return reply_here;
}

// Whether the registry in force (as decide_here reads it) has C among the
// flags of `format`. Under AT_SECURE the kernel computed privileges because
// the *entry* that matched has C, and one entry can catch files of other
// formats (the *.com extension entry, a setuid aarch64 program through a
// symlink named x.com): only a format that asks for C itself runs setuid.
bool format_asks_for_setuid(const KernelArgs& k, const std::string& format) {
  bool builtin = false;
  auto registry = registry_here(k, HostAbi::detect(), builtin);
  const FormatEntry* entry = registry.ok() ? (*registry)->find(format) : nullptr;
  return entry && entry->flags.find('C') != std::string::npos;
}

// The daemon's decision, and the runtime it opened (for a chroot that has
// no file at the runtime's path).
struct Answer {
  wire::DecideReply reply;
  UniqueFd runtime;
};

std::optional<Answer> ask_daemon(const KernelArgs& k, int fd) {
  std::string frame = wire::encode(wire::DecideRequest{k.path, k.argv0, fd, {}});
  unsigned peer = 0;
  auto m = call_daemon(run_dir(k.secure), frame, fd, kDaemonTimeoutMs, true, &peer);
  if (!m.ok() || m->message.type != wire::Type::decide_reply) return std::nullopt;
  auto reply = wire::decode_decide_reply(m->message.payload);
  if (!reply.ok()) return std::nullopt;
  // A daemon of the caller's own (not root's) is believed only as far as the
  // trust rules go: what it says to run must be a runtime root or the caller
  // owns, as a registry of the caller's would have to name.
  if (peer != 0 && reply->exit_code == 0 && !reply->native) {
    auto trusted = trusted_runtime_path(reply->exec_path, TrustPolicy{{0, ::getuid()}});
    if (!trusted.ok() || *trusted != reply->exec_path) return std::nullopt;
  }
  return Answer{*std::move(reply), std::move(m->fd)};
}

void apply_limits(const std::vector<Limit>& limits) {
  for (const auto& l : limits) {
    struct rlimit cur {};
    ::getrlimit(l.resource, &cur);
    struct rlimit next = tightened(cur, static_cast<rlim_t>(l.value));
    ::setrlimit(l.resource, &next);
  }
}

// The #! line of the program, if it is a script (shebang.h).
Result<std::optional<Shebang>> shebang_of(int fd) {
  std::uint8_t head[256];
  ssize_t n = ::pread(fd, head, sizeof head, 0);
  return parse_shebang(ByteView(head, n > 0 ? static_cast<std::size_t>(n) : 0));
}

// Emulates binfmt_script for a "#!" file that reached us (say, a script
// named *.com caught by an extension entry): run its interpreter directly.
int exec_script(const KernelArgs& k, const Shebang& script, char** envp) {
  // Under AT_SECURE (an entry with C, a setuid script): Linux never runs a
  // script setuid, on purpose. Its interpreter would reopen it by a path that
  // can be swapped, with the caller's environment (PYTHONPATH…): refused.
  if (k.secure) return say(k.path, "setuid #! script: Linux runs no script setuid, and neither does scarlet-shim", 126);
  // A script naming itself (or a ring of them) would come back here forever.
  const long pid = ::getpid();
  const int depth = script_depth(std::getenv(kScriptDepth), pid) + 1;
  if (depth > Dispatcher::kMaxScriptDepth)
    return say(k.path, "loop: more than " + std::to_string(Dispatcher::kMaxScriptDepth) +
                           " levels of #! interpreters (the kernel gives ELOOP)", 126);
  std::vector<std::string> argv = {script.interpreter};
  if (script.argument) argv.push_back(*script.argument);
  argv.push_back(k.path);
  argv.insert(argv.end(), k.args.begin(), k.args.end());
  auto c_argv = c_strings(argv);
  std::string entry;
  auto env = script_env(envp, pid, depth, entry);
  ::execve(argv[0].c_str(), c_argv.data(), env.data());
  return say(k.path, "cannot run its interpreter " + argv[0] + ": " + std::strerror(errno), errno == ENOENT ? 127 : 126);
}

// Whether the user may read the file behind `fd` (the kernel's exec fd is
// opened for exec, not for reading). Asked of the inode itself, with the
// effective ids a re-open would use; kernels before 5.8 have no faccessat2
// with AT_EMPTY_PATH, and there the file is re-opened through /proc (which
// costs a path walk of procfs on every exec, so it is only the fallback).
bool readable_by_caller(int fd) {
  if (::faccessat(fd, "", R_OK, AT_EMPTY_PATH | AT_EACCESS) == 0) return true;
  if (errno == EACCES) return false;
  UniqueFd probe(::open(("/proc/self/fd/" + std::to_string(fd)).c_str(), O_RDONLY | O_CLOEXEC));
  return probe || errno != EACCES;
}

// A root without /proc has no /dev/fd, where a plan's runtime would open the
// program ({binary_fd}); it would then fail with a message of its own, or
// none. The program's path serves instead when it is the same file and
// nothing can swap it (not setuid). False when neither way works.
bool reach_program_without_dev_fd(wire::DecideReply& plan, const KernelArgs& k, int fd) {
  if (!plan.uses_binary_fd || ::access("/dev/fd/", F_OK) == 0) return true;
  struct stat by_fd {}, by_path {};
  if (k.secure || ::fstat(fd, &by_fd) != 0 || ::stat(k.path.c_str(), &by_path) != 0 || by_fd.st_dev != by_path.st_dev ||
      by_fd.st_ino != by_path.st_ino)
    return false;
  for (auto& a : plan.argv)
    if (a == "/dev/fd/" + std::to_string(fd)) a = k.path;
  plan.uses_binary_fd = false;
  return true;
}

// The home directory of `uid` in /etc/passwd, or "". Under AT_SECURE the
// caller's HOME is the caller's to set, so {home} comes from here.
std::string passwd_home(unsigned uid) {
  UniqueFd f(::open("/etc/passwd", O_RDONLY | O_CLOEXEC));
  std::string text(1 << 16, '\0');
  const ssize_t n = f ? ::read(f.get(), text.data(), text.size()) : -1;
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::vector<std::string> field;
    for (std::size_t b = at; field.size() < 7;) {
      std::size_t c = text.find(':', b);
      if (c == std::string::npos || c > end) c = end;
      field.push_back(text.substr(b, c - b));
      if (c == end) break;
      b = c + 1;
    }
    if (field.size() >= 6 && field[2] == std::to_string(uid) && field[5].starts_with('/')) return field[5];
    at = end + 1;
  }
  return "";
}

// What is never silent but must keep the program's own output clean: the
// system log always hears of it, stderr only when SCARLET_DEBUG is set.
void log_notice(const KernelArgs& k, const std::string& what) {
  ::openlog("scarlet-shim", LOG_PID, LOG_USER);
  ::syslog(LOG_NOTICE, "%s: %s", printable(k.path).c_str(), printable(what).c_str());
  ::closelog();
  if (const char* debug = std::getenv("SCARLET_DEBUG"); debug && *debug) say(k.path, what, 0);
}

// Applies the plan's confinement (confine.h) with the code the fast path
// uses; 0, or the exit code of a refusal it has said.
int confine_plan(const wire::DecideReply& plan, const KernelArgs& k, int fd, int runtime) {
  if (plan.confinement.empty()) return 0;
  std::vector<confine::Layer> layers;
  std::vector<std::vector<confine::Rule>> rules;
  std::vector<std::vector<confine::Port>> ports;
  for (const auto& c : plan.confinement) {
    confine::Layer l;
    l.flags = (c.files ? wire::kConfineFiles : 0) | (c.network ? wire::kConfineNetwork : 0) |
              (c.scope_abstract_unix ? wire::kConfineScopeAbstract : 0) | (c.scope_signal ? wire::kConfineScopeSignal : 0) |
              (c.no_new_privs.value_or(false) ? wire::kConfineNoNewPrivs : 0) | (c.required ? wire::kConfineRequired : 0);
    l.syscalls = c.syscalls;
    auto& r = rules.emplace_back();
    for (const auto& g : c.paths) r.push_back({g.path.c_str(), g.access});
    auto& p = ports.emplace_back();
    for (const auto& g : c.ports) p.push_back({g.kind, g.port});
    l.rules = r.data(), l.rulec = static_cast<std::uint32_t>(r.size());
    l.ports = p.data(), l.portc = static_cast<std::uint32_t>(p.size());
    layers.push_back(l);
  }
  const char* env_home = std::getenv("HOME");
  const std::string home = k.secure ? passwd_home(::getuid()) : std::string(env_home ? env_home : "");
  confine::Context where{k.path.c_str(), home.empty() ? nullptr : home.c_str(), fd, runtime};
  const int abi = confine::landlock_abi();
  confine::Failure why;
  if (confine::apply(layers.data(), static_cast<std::uint32_t>(layers.size()), where, abi, why)) {
    // Not required, so it runs; what this kernel left out is never silent
    // (the daemon logs it when it decides; here the shim may be alone).
    std::string left_out;
    for (const auto& c : plan.confinement)
      for (const auto& u : unenforceable(c, abi)) left_out += (left_out.empty() ? "" : ", ") + u;
    if (why.step)
      left_out += (left_out.empty() ? "" : ", ") + std::string(why.step) + " (" + std::strerror(static_cast<int>(-why.error)) + ")";
    if (!left_out.empty()) log_notice(k, plan.format + " program confined, but not enforced here: " + left_out);
    return 0;
  }
  std::string what;
  for (const auto& c : plan.confinement)
    if (c.required)
      for (const auto& u : unenforceable(c, abi)) what += (what.empty() ? "" : ", ") + u;
  if (what.empty()) what = std::string(why.step) + ": " + std::strerror(static_cast<int>(-why.error));
  return say(k.path, plan.format + " program, but its required confinement cannot be enforced here (" + what + "): refused", 126);
}

// Execs the plan; returns 0 (with errno set) only if execve failed, or the
// exit code of a refusal it has said. `runtime` is the daemon's open
// runtime, if it sent one: exec'd when its path does not exist here (a chroot).
int exec_plan(const wire::DecideReply& plan, const KernelArgs& k, int fd, int runtime, char** envp) {
  struct stat st {};
  if (::stat(plan.exec_path.c_str(), &st) != 0 && runtime >= 0) ::fstat(runtime, &st);
  std::vector<std::string> added;
  auto env = runtime_env(envp, plan.env, k.secure, loop_marker_value(::getpid(), st.st_dev, st.st_ino), added);
  auto argv = runtime_argv(plan, k.args);
  apply_limits(plan.limits);
  if (int refused = confine_plan(plan, k, fd, runtime)) return refused;
  if (plan.uses_binary_fd) ::fcntl(fd, F_SETFD, 0);  // the runtime opens /dev/fd/N
  ::execve(plan.exec_path.c_str(), argv.data(), env.data());
  if (errno == ENOENT && runtime >= 0) ::execveat(runtime, "", argv.data(), env.data(), AT_EMPTY_PATH);
  int saved = errno;
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  errno = saved;
  return 0;
}

// Whether execve's error says the runtime itself could not be started
// (missing, not executable, not a program, its loader missing or bad), as
// opposed to what no other runtime would change (E2BIG, ENOMEM…).
bool runtime_did_not_start(int error) {
  switch (error) {
    case ENOENT: case EACCES: case EPERM: case ENOEXEC: case ELIBBAD: case ETXTBSY: case EISDIR: case ELOOP:
    case ENOTDIR: case EIO: return true;
    default: return false;
  }
}

// A fallback is never silent (log_notice).
void tell_fallback(const KernelArgs& k, const SkippedRuntime& failed, const wire::DecideReply& next) {
  const std::string what = failed.path + " did not start (" + failed.reason + "); " +
                           (next.exit_code == 0 ? "falling back to " + next.exec_path : "no other runtime: " + next.message);
  log_notice(k, what);
}

}  // namespace

int run(int argc, char** argv, char** envp, bool daemon_silent) {
  auto k = parse_kernel_args(argc, argv, read_auxv());
  if (!k) return say("scarlet-shim", "binfmt_misc runs this for foreign programs; run the program itself", 126);

  // The program: the very file the kernel opened (O flag), or our own open
  // of the path, as the invoking user. Either way it must be readable by
  // that user: a runtime would otherwise expose an execute-only program.
  UniqueFd fd;
  if (k->exec_fd >= 0) {
    fd.reset(k->exec_fd);
    ::fcntl(fd.get(), F_SETFD, FD_CLOEXEC);
    if (!readable_by_caller(fd.get()))
      return say(k->path, "is executable but not readable; a runtime would expose it, so it is not run", 126);
  } else {
    fd.reset(::open(k->path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd && errno == EACCES)
      return say(k->path, "is executable but not readable; a runtime would expose it, so it is not run", 126);
    if (!fd) return say(k->path, std::strerror(errno), errno == ENOENT ? 127 : 126);
  }

  struct stat st {};
  ::fstat(fd.get(), &st);
  const char* marker = std::getenv(kLoopMarker);
  if (marker && marker == loop_marker_value(::getpid(), st.st_dev, st.st_ino))
    return say(k->path, "loop: this runtime was sent back to scarlet-shim by a binfmt_misc entry that matches it", 126);

  auto answer = daemon_silent ? std::nullopt : ask_daemon(*k, fd.get());
  std::vector<SkippedRuntime> failed;  // runtimes that did not start, passed over from then on
  UniqueFd runtime = answer ? std::move(answer->runtime) : UniqueFd();
  wire::DecideReply reply = answer ? std::move(answer->reply) : decide_here(*k, fd.get());
  for (int attempt = 0;; ++attempt) {
    // A script an entry caught (one matching *.com, say) is native: the
    // kernel's script handler never saw it, so do its job. (A #! line the
    // kernel would refuse was refused by the script module already.)
    if (reply.native) {
      auto script = shebang_of(fd.get());
      if (script.ok() && *script) return exec_script(*k, **script, envp);
    }
    if (reply.exit_code != 0) return say(k->path, reply.message, reply.exit_code);
    if (reply.native)
      return say(k->path, "loop: a native program was sent to scarlet-shim by a binfmt_misc entry (see scarlet-dispatch status)", 126);
    if (k->secure && !format_asks_for_setuid(*k, reply.format))
      return say(k->path, "setuid " + reply.format + " program, but that format's flags do not ask for C: refused", 126);
    if (k->secure && !reply.uses_binary_fd)
      return say(k->path, "setuid program, but its runtime takes a path that could be swapped: refused", 126);
    if (!reach_program_without_dev_fd(reply, *k, fd.get()))
      return say(k->path, "its runtime opens the program as /dev/fd/N, and this root has no /dev/fd (mount /proc in it)", 126);
    if (int refused = exec_plan(reply, *k, fd.get(), runtime.get(), envp)) return refused;
    // The runtime did not start: gone since a cached decision (a package
    // removed it), corrupt, or its loader missing. Decide once more here
    // without it, so the next candidate that can run the program does.
    const int error = errno;
    // A confined plan has confined this process already: deciding again here
    // would read the registry, and run the next runtime, under the first
    // one's policy (and the policy itself may be what refused the exec).
    const bool confined = !reply.confinement.empty();
    const std::string cannot = "cannot run " + reply.exec_path + ": " + std::strerror(error) + (confined ? " (under its confinement)" : "");
    if (runtime_did_not_start(error) && !confined && attempt < kMaxFallbacks) {
      failed.push_back({reply.exec_path, std::strerror(error)});
      reply = decide_here(*k, fd.get(), failed);
      runtime.reset();
      tell_fallback(*k, failed.back(), reply);
      // With no other runtime, a runtime that is there but did not start is
      // the news; one that is gone leaves the new decision's line.
      if (reply.exit_code == 0 || ::access(failed.back().path.c_str(), F_OK) != 0) continue;
    }
    return say(k->path, cannot, error == ENOENT ? 127 : 126);
  }
}

}  // namespace scarlet::shim
