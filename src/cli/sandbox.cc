// `scarlet-dispatch sandbox [--registry FILE] -- CMD [ARGS…]`: runs CMD as
// uid 0 of a new user and mount namespace with a private binfmt_misc, served
// by a daemon of its own; returns CMD's exit status.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <fstream>
#include <set>

#include "commands.h"
#include "own_files.h"
#include "sandbox/private_binfmt.h"
#include "sandbox/private_path.h"
#include "scarlet/build_config.h"
#include "scarlet/registry_loader.h"
#include "scarlet/run_dir.h"
#include "scarlet/unique_fd.h"

namespace scarlet::cli {
namespace {

constexpr int kReadySeconds = 30;

// The sandbox's run directory and everything in it go when it ends.
class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/scarlet-sandbox-XXXXXX";
    if (::mkdtemp(tmpl)) path_ = tmpl;
    // Every user in the sandbox reaches the daemon here, as in /run.
    if (!path_.empty()) ::chmod(path_.c_str(), 0755);
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A datagram socket the daemon's sd_notify("READY=1") reaches.
Result<UniqueFd> notify_socket(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  struct sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return Result<UniqueFd>(Code::invalid, "path too long: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (!fd || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return Status::from_errno(errno, path);
  return fd;
}

// Waits for READY=1 from `daemon`; fails if it exits or takes too long.
Status wait_ready(int notify_fd, pid_t daemon) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kReadySeconds);
  while (std::chrono::steady_clock::now() < deadline) {
    struct pollfd p = {notify_fd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      char buf[4096];
      ssize_t n = ::recv(notify_fd, buf, sizeof buf - 1, 0);
      if (n > 0 && std::string(buf, static_cast<std::size_t>(n)).find("READY=1") != std::string::npos) return {};
    }
    int status;
    if (::waitpid(daemon, &status, WNOHANG) == daemon)
      return Status::error(Code::io, "the sandbox's daemon exited before it was ready");
  }
  return Status::error(Code::io, "the sandbox's daemon was not ready within " + std::to_string(kReadySeconds) + " s");
}

pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env_set, int stderr_fd, bool die_with_parent) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  if (die_with_parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::setpgid(0, 0);  // the terminal's ^C is for CMD; the sandbox stops the daemon itself
  }
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGQUIT, SIG_DFL);
  if (stderr_fd >= 0) ::dup2(stderr_fd, 2);
  ::unsetenv("NOTIFY_SOCKET");
  for (const auto& e : env_set) ::putenv(const_cast<char*>(e.c_str()));
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  std::cerr << "scarlet-dispatch sandbox: cannot run " << argv[0] << ": " << std::strerror(errno) << "\n";
  ::_exit(errno == ENOENT ? 127 : 126);
}

// Where the registry's direct interpreters look for sysroots (registry.h).
std::set<std::string> sysroot_link_dirs(const std::string& registry_path) {
  std::set<std::string> dirs;
  auto registry = load_registry(registry_path, HostAbi::detect());
  if (!registry.ok()) return dirs;  // the daemon says why
  for (const auto& [id, format] : (*registry)->formats())
    for (const auto& c : format.runtimes)
      if (auto slash = c.direct_sysroot.rfind('/'); slash != std::string::npos && slash > 0)
        dirs.insert(c.direct_sysroot.substr(0, slash));
  return dirs;
}

int exit_status(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

void stop(pid_t daemon) {
  ::kill(daemon, SIGTERM);
  for (int i = 0; i < 100; ++i) {
    int status;
    if (::waitpid(daemon, &status, WNOHANG) == daemon) return;
    ::usleep(50'000);
  }
  ::kill(daemon, SIGKILL);
  ::waitpid(daemon, nullptr, 0);
}

}  // namespace

int run_sandbox(const Options& global, const SandboxOptions& o) {
  if (Status s = sandbox::enter_private_binfmt(); !s.ok()) {
    std::cerr << "scarlet-dispatch sandbox: " << s.message() << "\n";
    return 1;
  }
  ScratchDir dir;
  if (dir.path().empty()) {
    std::cerr << "scarlet-dispatch sandbox: cannot create a run directory: " << std::strerror(errno) << "\n";
    return 1;
  }
  // Setuid execs (AT_SECURE) ignore SCARLET_RUNDIR and look in the default
  // run directory: show them ours there, in this mount namespace only.
  if (Status s = sandbox::mount_private_dir(kDefaultRunDir, dir.path()); !s.ok()) {
    std::cerr << "scarlet-dispatch sandbox: cannot show its run directory at " << kDefaultRunDir << ": " << s.message() << "\n";
    return 1;
  }
  // The daemon links sysroots for the kernel's direct interpreters
  // (sysroot_link.h): in directories of this namespace's own.
  for (const auto& d : sysroot_link_dirs(global.registry))
    if (Status s = sandbox::mount_private_dir(d); !s.ok()) {
      std::cerr << "scarlet-dispatch sandbox: cannot make " << d << " private: " << s.message() << "\n";
      return 1;
    }
  const std::string notify_path = dir.path() + "/notify", log_path = dir.path() + "/daemon.log";
  auto notify = notify_socket(notify_path);
  UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  if (!notify.ok() || !log) {
    std::cerr << "scarlet-dispatch sandbox: " << (notify.ok() ? "cannot create " + log_path : notify.status().message()) << "\n";
    return 1;
  }
  const std::string rundir_env = "SCARLET_RUNDIR=" + dir.path();
  // Its daemon shares the host's pid namespace and may reach the host's
  // systemd: it must make no scopes there (rlimits stand in).
  pid_t daemon = spawn({self_exe(), "--registry", global.registry, "--run-dir", dir.path(), "daemon", "--no-scopes"},
                       {rundir_env, "NOTIFY_SOCKET=" + notify_path}, log.get(), true);
  Status ready = wait_ready(notify->get(), daemon);
  // Nobody reads it from here on: close it, or the daemon's later
  // notifications (RELOADING=1…) would fill its queue and block.
  notify->reset();
  ::unlink(notify_path.c_str());
  if (!ready.ok()) {
    std::ifstream in(log_path);
    std::cerr << "scarlet-dispatch sandbox: " << ready.message() << ":\n" << std::string(std::istreambuf_iterator<char>(in), {});
    stop(daemon);
    return 1;
  }

  // Like system(3): while CMD runs, ^C and ^\ are CMD's to handle.
  struct sigaction ignore {}, old_int {}, old_quit {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ignore, &old_int);
  ::sigaction(SIGQUIT, &ignore, &old_quit);
  pid_t cmd = spawn(o.command, {rundir_env}, -1, false);
  int status = 0;
  while (::waitpid(cmd, &status, 0) < 0 && errno == EINTR) {}
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGQUIT, &old_quit, nullptr);
  stop(daemon);
  return exit_status(status);
}

}  // namespace scarlet::cli
