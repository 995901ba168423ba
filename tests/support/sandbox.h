// Running a shell script inside `scarlet-dispatch sandbox`: a private
// binfmt_misc with its own daemon, so tests never touch the host's table.
#pragma once

#include <map>
#include <string>

#include "support/run.h"

namespace scarlet::test {

// Runs `script` with /bin/sh -c inside a sandbox using `registry`. The
// script sees $EXAMPLES, $CLI (scarlet-dispatch) and $T (a scratch
// directory) plus `env`; XDG_CACHE_HOME is $T/.cache unless `env` says.
RunResult in_sandbox(const std::string& cli, const std::string& registry, const std::string& script,
                     const std::string& input = "", const std::vector<std::string>& env = {});

// Splits "=== name" sections of a script's output: name -> the lines after it.
std::map<std::string, std::string> sections(const std::string& out);

// The sections of `all` that `wanted` names, printed back as "=== name" and
// their lines: one string to compare (and show) a script's whole answer.
std::string sections_text(const std::map<std::string, std::string>& all,
                          const std::map<std::string, std::string>& wanted);

}  // namespace scarlet::test
