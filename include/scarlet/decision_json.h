// A Decision as the JSON object `explain --json` prints (and the daemon
// returns for explain requests). Keys: file, module, format, native, facts,
// chain, runtime, argv, env, limits, route (how an exec of the format reaches
// its runtime: route.h; null when unknown or run natively), confinement (one
// object per policy the shim stacks, with what this kernel cannot enforce of
// it: not_enforced), exit_code, and reason when it cannot run.
// Thread-safety: pure function.
#pragma once

#include <string>

#include "scarlet/dispatcher.h"
#include "scarlet/route.h"

namespace scarlet {

std::string decision_to_json(const std::string& file, const Decision& decision, const Route* route = nullptr);
// The route of the format `decision` detected among `routes`, or nullptr.
const Route* route_of(const Decision& decision, const std::map<std::string, Route>& routes);

}  // namespace scarlet
