#include "binfmt_table.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "scarlet/unique_fd.h"

namespace scarlet::binfmt {
namespace {

Status write_file(const std::string& path, const std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return Status::from_errno(errno, path);
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return Status::from_errno(errno, path);
  return {};
}

Result<std::string> read_small(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Status::from_errno(errno, path);
  std::string out(4096, '\0');
  ssize_t n = ::read(fd.get(), out.data(), out.size());
  if (n < 0) return Status::from_errno(errno, path);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

Status BinfmtTable::ensure_mounted() const {
  if (::access((dir_ + "/register").c_str(), F_OK) == 0) return {};
  if (::mount("binfmt_misc", dir_.c_str(), "binfmt_misc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    return Status::from_errno(errno, "mount binfmt_misc on " + dir_);
  return {};
}

Result<std::vector<Entry>> BinfmtTable::list() const {
  DIR* d = ::opendir(dir_.c_str());
  if (!d) return Status::from_errno(errno, dir_);
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != ".." && n != "register" && n != "status") names.push_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  std::vector<Entry> out;
  for (const auto& n : names) {
    auto text = read_small(dir_ + "/" + n);
    if (!text.ok()) continue;  // removed meanwhile
    if (auto e = parse_entry(n, *text); e.ok()) out.push_back(std::move(e).value());
  }
  return out;
}

Status BinfmtTable::add(const Entry& entry) const {
  auto line = register_line(entry);
  if (!line.ok()) return line.status();
  return write_file(dir_ + "/register", *line).wrap("register " + entry.name);
}

Status BinfmtTable::remove(const std::string& name) const {
  if (!is_ours(name)) return Status::error(Code::refused, name + " is not ours to remove");
  Status s = write_file(dir_ + "/" + name, "-1");
  if (s.code() == Code::not_found) return {};  // already gone
  return s;
}

Status BinfmtTable::replace(const Entry& entry) const {
  // Names are unique, so the new registration first goes in under a bridge
  // name; being newest, it takes the files while the old one goes and the
  // new one comes under the real name.
  Entry bridge = entry;
  bridge.name += kBridgeSuffix;
  const bool bridged = add(bridge).ok();
  Status s = remove(entry.name);
  if (s.ok()) s = add(entry);
  if (bridged) (void)remove(bridge.name);
  return s;
}

Result<std::vector<std::string>> BinfmtTable::sync(const std::vector<Entry>& wanted,
                                                   std::vector<std::string>& problems) const {
  auto current = list();
  if (!current.ok()) return current.status();
  std::vector<std::string> changes, in_place;
  for (const auto& e : *current) {
    if (!is_ours(e.name)) continue;
    auto w = std::find_if(wanted.begin(), wanted.end(), [&](const Entry& x) { return x.name == e.name; });
    if (w != wanted.end()) {
      in_place.push_back(e.name);
      if (same_registration(*w, e)) continue;
      if (Status s = replace(*w); !s.ok()) problems.push_back(s.message());
      else changes.push_back("re-registered " + e.name);
      continue;
    }
    if (Status s = remove(e.name); !s.ok()) problems.push_back(s.message());
    else changes.push_back("removed " + e.name);
  }
  for (const auto& w : wanted) {
    if (std::find(in_place.begin(), in_place.end(), w.name) != in_place.end()) continue;
    if (Status s = add(w); !s.ok()) problems.push_back(s.message());
    else changes.push_back("registered " + w.name);
  }
  return changes;
}

}  // namespace scarlet::binfmt
