// Running a real program from a test: its exit status and what it printed.
#pragma once

#include <string>
#include <vector>

namespace scarlet::test {

struct RunResult {
  int exit_code = -1;  // 128 + signal number if it was killed
  std::string out, err;
};

// Runs argv[0] (a path, or a name looked up in PATH) with `input` on stdin; `env` entries "NAME=value"
// are added to the inherited environment.
RunResult run(const std::vector<std::string>& argv, const std::string& input = "",
              const std::vector<std::string>& env = {});

}  // namespace scarlet::test
