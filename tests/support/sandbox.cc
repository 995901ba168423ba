#include "support/sandbox.h"

#include <sstream>

#include "support/temp_dir.h"

namespace scarlet::test {

RunResult in_sandbox(const std::string& cli, const std::string& registry, const std::string& script,
                     const std::string& input, const std::vector<std::string>& env) {
  TempDir scratch;
  scratch.write(".cache/.keep", "");
  std::vector<std::string> full_env = env;
  full_env.push_back("CLI=" + cli);
  full_env.push_back("T=" + scratch.path());
  // Runtime caches (Wine's prefix index, transpiled components) go to the
  // scratch directory, never the real home of whoever runs the tests.
  full_env.push_back("XDG_CACHE_HOME=" + scratch.path() + "/.cache");
  return run({cli, "--registry", registry, "sandbox", "--", "/bin/sh", "-c", script}, input, full_env);
}

std::map<std::string, std::string> sections(const std::string& out) {
  std::map<std::string, std::string> result;
  std::istringstream in(out);
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.starts_with("=== ")) {
      current = line.substr(4);
      result[current];
    } else {
      result[current] += line + "\n";
    }
  }
  return result;
}

std::string sections_text(const std::map<std::string, std::string>& all,
                          const std::map<std::string, std::string>& wanted) {
  std::string text;
  for (const auto& [name, _] : wanted) {
    auto it = all.find(name);
    text += "=== " + name + "\n" + (it == all.end() ? "(missing)\n" : it->second);
  }
  return text;
}

}  // namespace scarlet::test
