#include "scarlet/resource_fallback.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "scarlet/unique_fd.h"

namespace scarlet {

std::vector<Limit> rlimit_fallback(const ResourceControl& rc, std::uint64_t tasks_now) {
  std::vector<Limit> out;
  if (rc.memory && *rc.memory != ResourceControl::kUnlimited) out.push_back({"as", RLIMIT_AS, *rc.memory});
  // The limit is on the user's tasks as a whole, so the ones it has already
  // are added: the program may start `tasks` more, and no fewer.
  if (rc.tasks && *rc.tasks != ResourceControl::kUnlimited) out.push_back({"nproc", RLIMIT_NPROC, tasks_now + *rc.tasks});
  return out;
}

std::vector<Limit> tightened_limits(std::vector<Limit> limits, const std::vector<Limit>& tighter) {
  for (const auto& l : tighter) {
    auto same = std::find_if(limits.begin(), limits.end(), [&](const Limit& x) { return x.resource == l.resource; });
    if (same == limits.end()) limits.push_back(l);
    else if (l.value < same->value) *same = l;
  }
  return limits;
}

std::vector<std::string> not_by_rlimits(const ResourceControl& rc) {
  std::vector<std::string> out;
  if (rc.cpu_quota) out.push_back("cpu_quota");
  if (rc.cpu_weight) out.push_back("cpu_weight");
  return out;
}

std::uint64_t tasks_of_user(uid_t uid) {
  std::uint64_t tasks = 0;
  DIR* proc = ::opendir("/proc");
  if (!proc) return 0;
  const int proc_fd = ::dirfd(proc);
  while (dirent* e = ::readdir(proc)) {
    if (!std::isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
    UniqueFd fd(::openat(proc_fd, (std::string(e->d_name) + "/status").c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) continue;  // gone meanwhile
    char buf[4096];
    ssize_t n = ::read(fd.get(), buf, sizeof buf - 1);
    if (n <= 0) continue;
    buf[n] = '\0';
    // "Uid:\treal\teffective…": RLIMIT_NPROC counts by real uid.
    const char* u = std::strstr(buf, "\nUid:\t");
    const char* t = std::strstr(buf, "\nThreads:\t");
    if (!u || !t || std::strtoul(u + 6, nullptr, 10) != uid) continue;
    tasks += std::strtoull(t + 10, nullptr, 10);
  }
  ::closedir(proc);
  return tasks;
}

}  // namespace scarlet
