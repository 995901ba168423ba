// The subcommands of scarlet-dispatch. Each returns the process exit status
// and prints its own output; nothing below them prints.
#pragma once

#include "cli.h"

namespace scarlet::cli {

int run_explain(const Options& global, const ExplainOptions& options);
int run_check_config(const Options& global, const CheckConfigOptions& options);
int run_status(const Options& global, const StatusOptions& options);
int run_reload(const Options& global);
int run_daemon(const Options& global, const DaemonOptions& options);
int run_sandbox(const Options& global, const SandboxOptions& options);
int run_cache(const Options& global, const CacheOptions& options);

}  // namespace scarlet::cli
