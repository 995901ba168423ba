// `scarlet-dispatch cache [--json] [--user USER]` and `cache drop [WHAT]`:
// what the runtimes keep warm or cached for the calling user (Wine servers
// per prefix, from src/launchers/scarlet_wine.cc; transpiled components,
// from component-cache.mjs), and dropping it. No daemon is involved: the
// caches are the user's own files and processes. Root may act for another
// user with --user, and then does everything as that user (privileges
// dropped first), so nothing in a user's directories is ever read, followed
// or removed with root's rights, and only that user's processes can be
// signalled.
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "commands.h"
#include "scarlet/user_cache.h"
#include "scarlet/wine_server.h"

namespace scarlet::cli {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

struct WinePrefix {
  std::string link;    // the index entry
  std::string prefix;  // what it names
  pid_t server = 0;    // 0: no server running
  long last_exec = -1;  // seconds ago, -1 unknown
};

struct ComponentEntry {
  std::string dir;
  std::string source;   // the component's path when it was cached
  std::string runtime;  // the Node and jco it was made for
  std::uintmax_t bytes = 0;
  long last_used = -1;  // seconds ago
  bool valid = false;   // a manifest that parses (the launcher checks the rest)
};

long seconds_since(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<long>(::time(nullptr) - st.st_mtime);
}

std::string ago(long seconds) {
  if (seconds < 0) return "never";
  if (seconds < 120) return std::to_string(seconds) + "s ago";
  if (seconds < 7200) return std::to_string(seconds / 60) + "m ago";
  if (seconds < 172800) return std::to_string(seconds / 3600) + "h ago";
  return std::to_string(seconds / 86400) + "d ago";
}

// The prefixes scarlet-wine warmed; links whose prefix is gone are removed.
std::vector<WinePrefix> wine_prefixes(const std::string& cache, uid_t uid) {
  std::vector<WinePrefix> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(wine_index_dir(cache), ec)) {
    WinePrefix w;
    w.link = e.path().string();
    w.prefix = fs::read_symlink(e.path(), ec).string();
    if (ec || w.prefix.empty() || w.prefix[0] != '/' || !fs::is_directory(w.prefix, ec)) {
      fs::remove(e.path(), ec);
      continue;
    }
    bool seen = false;
    for (const auto& o : out) seen = seen || fs::equivalent(o.prefix, w.prefix, ec);
    if (seen) continue;
    auto pid = wine_server_pid(w.prefix, uid);
    if (pid.ok() && is_wineserver_of(*pid, uid)) w.server = *pid;
    w.last_exec = seconds_since(w.prefix + "/.scarlet-wine");
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<ComponentEntry> component_entries(const std::string& cache) {
  std::vector<ComponentEntry> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(component_cache_dir(cache), ec)) {
    if (e.path().filename().string().starts_with(".tmp-") || !e.is_directory(ec)) continue;
    ComponentEntry c;
    c.dir = e.path().string();
    for (const auto& f : fs::directory_iterator(e.path(), ec))
      if (f.is_regular_file(ec)) c.bytes += f.file_size(ec);
    std::ifstream in(c.dir + "/manifest.json");
    json m = json::parse(in, nullptr, false);
    if (!m.is_discarded() && m.is_object() && m["source"].is_string() && m["runtime"].is_string()) {
      c.source = m["source"].get<std::string>();
      c.runtime = m["runtime"].get<std::string>();
      c.valid = true;
    }
    c.last_used = seconds_since(c.dir + "/manifest.json");
    out.push_back(std::move(c));
  }
  return out;
}

// Ends a wineserver as `wineserver -k` does (SIGINT: it ends every process
// of the prefix, Wine's services included, and exits; SIGTERM would leave
// those orphaned), then SIGKILL if it is still there after 5 s.
bool end_server(pid_t pid, uid_t uid) {
  if (::kill(pid, SIGINT) != 0) return false;
  for (int i = 0; i < 50 && is_wineserver_of(pid, uid); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (is_wineserver_of(pid, uid)) ::kill(pid, SIGKILL);
  return true;
}

// Becomes `user` for good (root only): its uid, gid and groups.
Result<uid_t> become(const std::string& user) {
  if (::geteuid() != 0) return Result<uid_t>(Code::refused, "permission denied: only root may act on another user's caches");
  struct passwd* pw = ::getpwnam(user.c_str());
  if (pw == nullptr && !user.empty() && user.find_first_not_of("0123456789") == std::string::npos)
    pw = ::getpwuid(static_cast<uid_t>(std::stoul(user)));
  if (pw == nullptr) return Result<uid_t>(Code::not_found, "no such user: " + user);
  uid_t uid = pw->pw_uid;
  if (::initgroups(pw->pw_name, pw->pw_gid) != 0 || ::setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
      ::setresuid(uid, uid, uid) != 0)
    return Status::from_errno(errno, "becoming " + user);
  return uid;
}

}  // namespace

int run_cache(const Options&, const CacheOptions& o) {
  uid_t uid = ::getuid();
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (!o.user.empty()) {
    auto became = become(o.user);
    if (!became.ok()) {
      std::cerr << "scarlet-dispatch: " << became.status().message() << "\n";
      return exit_code_for(became.status());
    }
    uid = *became;
    xdg = nullptr;  // root's environment says nothing about the user's
  }
  auto cache = user_cache_dir(uid, xdg);
  if (!cache.ok()) {
    if (o.json) std::cout << json{{"uid", uid}, {"cache_dir", nullptr}, {"wine", json::array()}, {"components", json::array()}} << "\n";
    else std::cout << "nothing cached: " << cache.status().message() << "\n";
    return 0;
  }
  auto wine = wine_prefixes(*cache, uid);
  auto components = component_entries(*cache);

  if (o.drop) {
    bool all = o.what == "all";
    if (all || o.what == "wine") {
      for (const auto& w : wine) {
        std::error_code ec;
        if (w.server > 0 && end_server(w.server, uid))
          std::cout << "ended the wineserver of " << w.prefix << " (pid " << w.server << ")\n";
        fs::remove(w.link, ec);
      }
    }
    if (all || o.what == "components") {
      std::uintmax_t bytes = 0;
      for (const auto& c : components) bytes += c.bytes;
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(component_cache_dir(*cache), ec)) fs::remove_all(e.path(), ec);
      std::cout << "dropped " << components.size() << " component entr" << (components.size() == 1 ? "y" : "ies") << " ("
                << (bytes + 1023) / 1024 << " KiB)\n";
    }
    return 0;
  }

  if (o.json) {
    json j{{"uid", uid}, {"cache_dir", *cache}, {"wine", json::array()}, {"components", json::array()}};
    for (const auto& w : wine)
      j["wine"].push_back({{"prefix", w.prefix},
                           {"server_pid", w.server > 0 ? json(w.server) : json(nullptr)},
                           {"last_exec_seconds_ago", w.last_exec}});
    for (const auto& c : components)
      j["components"].push_back({{"entry", c.dir},
                                 {"source", c.source},
                                 {"runtime", c.runtime},
                                 {"bytes", c.bytes},
                                 {"last_used_seconds_ago", c.last_used},
                                 {"valid", c.valid}});
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "cache of uid " << uid << ": " << *cache << "\n";
  std::cout << "wine prefixes (a server stays SCARLET_WINE_IDLE seconds, 300 by default, after its last program):\n";
  if (wine.empty()) std::cout << "  none\n";
  for (const auto& w : wine)
    std::cout << "  " << w.prefix << ": "
              << (w.server > 0 ? "warm, wineserver pid " + std::to_string(w.server) : std::string("cold, no server"))
              << ", last exec " << ago(w.last_exec) << "\n";
  std::uintmax_t total = 0;
  for (const auto& c : components) total += c.bytes;
  std::cout << "components (" << components.size() << ", " << (total + 1023) / 1024
            << " KiB; at most SCARLET_CACHE_MAX_MB MiB, 128 by default):\n";
  if (components.empty()) std::cout << "  none\n";
  for (const auto& c : components)
    std::cout << "  " << (c.valid ? c.source : "(an invalid entry, rebuilt on next use)") << ": " << (c.bytes + 1023) / 1024
              << " KiB, used " << ago(c.last_used) << (c.valid ? ", for " + c.runtime : std::string()) << "\n";
  return 0;
}

}  // namespace scarlet::cli
