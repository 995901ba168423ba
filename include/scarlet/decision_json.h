// A Decision as the JSON object `explain --json` prints (and the daemon
// returns for explain requests). Keys: file, module, format, native, facts,
// chain, runtime, argv, env, limits, exit_code, and reason when it cannot run.
// Thread-safety: pure function.
#pragma once

#include <string>

#include "scarlet/dispatcher.h"

namespace scarlet {

std::string decision_to_json(const std::string& file, const Decision& decision);

}  // namespace scarlet
