#include "scarlet/selection.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "scarlet/unique_fd.h"

namespace scarlet {
namespace {

const std::string* value_of(const Detection& d, std::string_view key) {
  if (const std::string* f = d.fact(key)) return f;
  for (const auto& v : d.vars)
    if (v.key == key) return &v.value;
  return nullptr;
}

std::optional<long> whole_number(const std::string& s) {
  long n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  return n;  // "25" and "3.11" (its first number) alike
}

std::string either(const std::vector<std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i)
    out += (i == 0 ? "" : i + 1 == values.size() ? " or " : ", ") + values[i];
  return out;
}

ConditionOutcome judge_loader(const Condition& c, const Detection& program) {
  const std::string text = "loader in " + either(c.values);
  const std::string* interp = program.fact("interp");
  if (!interp) return {text + " (the program names no ELF loader)", true};
  for (const auto& root : c.values)
    if (holds_beneath(root, *interp)) return {text + " (" + *interp + " is in " + root + ")", true};
  return {text + ", but the program's " + *interp + " is in none", false};
}

ConditionOutcome judge(const Condition& c, const Detection& program) {
  if (c.key == kLoaderIn) return judge_loader(c, program);
  std::string text = c.key;
  if (!c.values.empty()) text += " is " + either(c.values);
  if (c.at_least) text += (c.values.empty() ? " at least " : ", at least ") + std::to_string(*c.at_least);
  if (c.at_most) text += (c.values.empty() && !c.at_least ? " at most " : ", at most ") + std::to_string(*c.at_most);
  const std::string* have = value_of(program, c.key);
  if (!have) return {text + ", but the program has no " + c.key, false};
  bool held = c.values.empty() || std::find(c.values.begin(), c.values.end(), *have) != c.values.end();
  if (c.at_least || c.at_most) {
    auto n = whole_number(*have);
    held = held && n && (!c.at_least || *n >= *c.at_least) && (!c.at_most || *n <= *c.at_most);
  }
  return {held ? text : text + ", but the program's is " + *have, held};
}

}  // namespace

std::vector<ConditionOutcome> judge_conditions(const std::vector<Condition>& conditions, const Detection& program) {
  std::vector<ConditionOutcome> out;
  for (const auto& c : conditions) out.push_back(judge(c, program));
  return out;
}

bool all_held(const std::vector<ConditionOutcome>& outcomes) {
  return std::all_of(outcomes.begin(), outcomes.end(), [](const ConditionOutcome& o) { return o.held; });
}

bool is_glob(std::string_view path) { return path.find_first_of("*?[") != std::string_view::npos; }

bool glob_names(std::string_view pattern, std::string_view path) {
  // FNM_PATHNAME: '*' never crosses a '/', as in the shell and glob(3).
  return ::fnmatch(std::string(pattern).c_str(), std::string(path).c_str(), FNM_PATHNAME) == 0;
}

std::vector<std::string> discover(const std::string& path) {
  if (!is_glob(path)) return {path};
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(path.c_str(), 0, nullptr, &g) == 0)
    for (std::size_t i = 0; i < g.gl_pathc && out.size() < kMaxDiscovered; ++i) out.emplace_back(g.gl_pathv[i]);
  ::globfree(&g);
  return out;
}

std::string program_path(int fd, const std::string& given) {
  if (fd >= 0) {
    char buf[PATH_MAX];
    const std::string link = "/proc/self/fd/" + std::to_string(fd);
    ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
    // A deleted file's link ends in " (deleted)" and names nothing now.
    if (n > 0 && buf[0] == '/' && static_cast<std::size_t>(n) < sizeof buf) {
      std::string p(buf, static_cast<std::size_t>(n));
      if (!p.ends_with(" (deleted)")) return p;
    }
    return {};
  }
  return !given.empty() && given[0] == '/' ? given : std::string();
}

bool holds_beneath(const std::string& root, const std::string& interp) {
  UniqueFd dir(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return false;
  const auto first = interp.find_first_not_of('/');
  if (first == std::string::npos) return false;
  const std::string relative = interp.substr(first);
  struct open_how how {};
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  // No fallback without openat2 (before Linux 5.6): then nothing is probed.
  UniqueFd found(static_cast<int>(::syscall(SYS_openat2, dir.get(), relative.c_str(), &how, sizeof how)));
  return static_cast<bool>(found);
}

}  // namespace scarlet
