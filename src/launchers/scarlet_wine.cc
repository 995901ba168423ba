// scarlet-wine WINE PROGRAM [ARGS...]
//
// Runs a Windows program under Wine with Wine kept warm: the user's
// wineserver for the prefix stays alive between execs, so a program run again
// soon starts in tens of milliseconds instead of the half second or more that
// a fresh server, Wine's services and the registry load cost.
//
// Per user and prefix, never shared: the prefix is Wine's own choice
// (WINEPREFIX, else $HOME/.wine) and must be the caller's; a wineserver
// serves one prefix of one uid (its socket lives in a 0700 directory of that
// uid). Nothing here runs as anyone but the caller.
//
// In the prefix's lock (PREFIX/.scarlet-wine.lock: two programs starting at
// once do not race):
//  1. When the Wine installed is not the one that started the running server
//     (the identity of its binaries, recorded in PREFIX/.scarlet-wine,
//     differs: an upgrade), that server is ended first: an old server speaks
//     an old protocol and would refuse the new Wine.
//  2. When no server runs for the prefix (its lock has no holder, seen
//     without starting anything: the warm path is a few system calls),
//     `wineserver -pIDLE` starts one detached from the caller: a session of
//     its own, stdio on /dev/null, no inherited fds. IDLE (SCARLET_WINE_IDLE,
//     default 300 seconds) is how long it stays after the prefix's last
//     Windows process ends.
//  3. Then `wine wineboot`, detached the same way, so that Wine's services
//     (services.exe, winedevice.exe, plugplay.exe: they live as long as the
//     server) hold /dev/null and not the caller's terminal or pipes, and
//     `out=$(./prog.exe 2>&1)` returns when the program ends. In a fresh
//     prefix this is its one-time preparation, without dialogs: no display,
//     Mono's and Gecko's installers disabled (WINEDLLOVERRIDES=mscoree,mshtml=)
//     for that run only.
// Then Wine runs the program in this process: its stdin, stdout, stderr,
// arguments and exit status are Wine's, as without this launcher. Whatever
// keeps the prefix from being warmed (not the caller's, not absolute, no
// wineserver beside WINE) leaves the decision to Wine, which runs it cold.
//
// The prefixes warmed are listed as links in the user's cache directory
// (scarlet/user_cache.h) for `scarlet-dispatch cache`, which shows and ends
// them. SCARLET_CACHE_TRACE=1 prints one line on stderr saying what was done.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "scarlet/unique_fd.h"
#include "scarlet/user_cache.h"
#include "scarlet/wine_server.h"

namespace {

using scarlet::UniqueFd;

constexpr const char* kMe = "scarlet-wine";
constexpr long kDefaultIdle = 300;

void trace(const std::string& what) {
  const char* t = std::getenv("SCARLET_CACHE_TRACE");
  if (t != nullptr && std::strcmp(t, "1") == 0) std::fprintf(stderr, "%s: %s\n", kMe, what.c_str());
}

bool executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string find_in_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  for (std::size_t at = 0; at <= dirs.size();) {
    std::size_t end = dirs.find(':', at);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(at, end - at) + "/" + name;
    if (end > at && executable_file(candidate)) return candidate;
    at = end + 1;
  }
  return "";
}

// What changes when Wine is upgraded: device, inode, size and mtime of the
// loader and the server (Debian's wineserver is a script; the binary beside it
// is wineserver64).
std::string identity(const std::vector<std::string>& files) {
  std::string id;
  for (const auto& f : files) {
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0) continue;
    id += std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
          std::to_string(st.st_mtime) + " ";
  }
  return id;
}

// Runs argv detached from the caller (own session, stdio on /dev/null, no
// other fds) with `env` set and `unset` removed, and waits for it: its exit
// status, or -1 when it could not be started.
int run_detached(const std::vector<std::string>& argv, const std::vector<std::pair<std::string, std::string>>& env = {},
                 const std::vector<std::string>& unset = {}) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    ::setsid();
    int null = ::open("/dev/null", O_RDWR);
    if (null < 0) ::_exit(127);
    for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
    ::syscall(SYS_close_range, 3U, ~0U, 0U);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    for (const auto& k : unset) ::unsetenv(k.c_str());
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_small(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  char buf[1024];
  ssize_t n = fd ? ::read(fd.get(), buf, sizeof buf) : -1;
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// Written beside and renamed over, so a crash leaves the old record or the
// new one; its mtime is the prefix's last exec, which `cache` shows.
void write_state(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd || ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) return;
  fd.reset();
  ::rename(tmp.c_str(), path.c_str());
}

// Lists the prefix where `scarlet-dispatch cache` looks for the user's servers.
void index_prefix(const std::string& prefix) {
  auto cache = scarlet::user_cache_dir(::getuid(), std::getenv("XDG_CACHE_HOME"));
  struct stat st {};
  if (!cache.ok() || ::stat(prefix.c_str(), &st) != 0) return;
  std::string dir = scarlet::wine_index_dir(*cache);
  for (std::size_t at = 1; at != std::string::npos; at = dir.find('/', at + 1))
    ::mkdir(dir.substr(0, at).c_str(), 0700);
  ::mkdir(dir.c_str(), 0700);
  std::string link = dir + "/" + std::to_string(st.st_dev) + "-" + std::to_string(st.st_ino);
  std::string tmp = link + ".tmp";
  ::unlink(tmp.c_str());
  if (::symlink(prefix.c_str(), tmp.c_str()) == 0) ::rename(tmp.c_str(), link.c_str());
}

long idle_seconds() {
  const char* v = std::getenv("SCARLET_WINE_IDLE");
  if (v == nullptr || *v == '\0') return kDefaultIdle;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  return (*end != '\0' || n < 0 || n > 86400 * 7) ? kDefaultIdle : n;
}

// Makes the prefix warm; false when it cannot be (Wine then runs cold).
bool warm(const std::string& wine, const std::string& prefix) {
  std::string dir = wine.substr(0, wine.rfind('/'));
  std::string server = dir + "/wineserver";
  if (!executable_file(server)) server = find_in_path("wineserver");
  if (server.empty()) {
    trace("not kept warm: no wineserver beside " + wine);
    return false;
  }
  struct stat st {};
  if (prefix.empty() || prefix[0] != '/' || (::mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST) ||
      ::lstat(prefix.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid()) {
    trace("not kept warm: the prefix " + prefix + " is not an absolute directory of the caller's");
    return false;
  }
  UniqueFd lock(::open((prefix + "/.scarlet-wine.lock").c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!lock || ::flock(lock.get(), LOCK_EX) != 0) {
    trace("not kept warm: cannot lock " + prefix + "/.scarlet-wine.lock");
    return false;
  }
  std::string state = prefix + "/.scarlet-wine";
  std::string now = identity({server, server + "64", wine}) + "\n";
  std::string recorded = read_small(state);
  auto running = scarlet::wine_server_pid(prefix, ::getuid());
  if (running.ok() && *running > 0 && !recorded.empty() && recorded != now) {
    trace("Wine changed since the server for " + prefix + " started: ending that server");
    run_detached({server, "-k"});
    run_detached({server, "-w"});
    running = scarlet::wine_server_pid(prefix, ::getuid());
  }
  std::string idle = std::to_string(idle_seconds());
  if (running.ok() && *running > 0) {
    trace("warm: the server for " + prefix + " is running (pid " + std::to_string(*running) + ")");
  } else if (run_detached({server, "-p" + idle}) == 0) {
    if (::access((prefix + "/system.reg").c_str(), F_OK) != 0) {
      trace("preparing the new prefix " + prefix + " (its server kept " + idle + "s after use)");
      run_detached({wine, "wineboot", "--init"}, {{"WINEDLLOVERRIDES", "mscoree,mshtml="}}, {"DISPLAY", "WAYLAND_DISPLAY"});
    } else {
      trace("started the server for " + prefix + " (kept " + idle + "s after use)");
      run_detached({wine, "wineboot"});
    }
    running = scarlet::wine_server_pid(prefix, ::getuid());
    trace("the server for " + prefix + " is pid " + std::to_string(running.ok() ? *running : 0));
    index_prefix(prefix);
  } else {
    trace("the server for " + prefix + " did not start here: Wine starts its own");
  }
  write_state(state, now);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s WINE PROGRAM [ARGS...]\n", kMe);
    return 2;
  }
  std::string wine = find_in_path(argv[1]);
  if (wine.empty() || !executable_file(wine)) {
    std::fprintf(stderr, "%s: %s: Windows program, but Wine (%s) is not installed or not executable\n", kMe, argv[2],
                 argv[1]);
    return 127;
  }
  const char* prefix = std::getenv("WINEPREFIX");
  const char* home = std::getenv("HOME");
  if (prefix != nullptr && *prefix != '\0')
    warm(wine, prefix);
  else if (home != nullptr && *home == '/')
    warm(wine, std::string(home) + "/.wine");
  argv[1] = const_cast<char*>(wine.c_str());
  ::execv(argv[1], argv + 1);
  int err = errno;
  std::fprintf(stderr, "%s: %s: cannot run Wine (%s): %s\n", kMe, argv[2], wine.c_str(), std::strerror(err));
  return err == ENOENT ? 127 : 126;
}
