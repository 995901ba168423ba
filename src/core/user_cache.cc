#include "scarlet/user_cache.h"

#include <pwd.h>
#include <sys/stat.h>

#include <vector>

namespace scarlet {

Result<std::string> user_cache_dir(uid_t uid, const char* xdg) {
  struct stat st {};
  if (xdg != nullptr && xdg[0] == '/') {
    if (::stat(xdg, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid)
      return std::string(xdg) + "/scarlet-dispatch";
  }
  std::vector<char> buf(16384);
  struct passwd pw {};
  struct passwd* found = nullptr;
  if (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr || pw.pw_dir == nullptr ||
      pw.pw_dir[0] != '/')
    return Result<std::string>(Code::not_found, "uid " + std::to_string(uid) + " has no home directory in passwd");
  if (::stat(pw.pw_dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != uid)
    return Result<std::string>(Code::not_found, std::string("the home directory ") + pw.pw_dir + " of uid " +
                                                    std::to_string(uid) + " is missing or not its own");
  return std::string(pw.pw_dir) + "/.cache/scarlet-dispatch";
}

}  // namespace scarlet
