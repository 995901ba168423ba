// The subcommands of scarlet-dispatch. Each returns the process exit status
// and prints its own output; nothing below them prints.
#pragma once

#include "cli.h"

namespace scarlet::cli {

int run_explain(const std::string& registry, const ExplainOptions& options);
int run_check_config(const std::string& registry, const CheckConfigOptions& options);

}  // namespace scarlet::cli
