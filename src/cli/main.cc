// scarlet-dispatch: the command-line tool and (with `daemon`) the service.
#include "cli.h"
#include "commands.h"

int main(int argc, char** argv) {
  using namespace scarlet::cli;
  Parsed parsed = parse(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  const Options& o = *parsed.options;
  return std::visit(
      [&](const auto& command) -> int {
        using T = std::decay_t<decltype(command)>;
        if constexpr (std::is_same_v<T, ExplainOptions>) return run_explain(o, command);
        else if constexpr (std::is_same_v<T, CheckConfigOptions>) return run_check_config(o, command);
        else if constexpr (std::is_same_v<T, StatusOptions>) return run_status(o, command);
        else if constexpr (std::is_same_v<T, ReloadOptions>) return run_reload(o);
        else if constexpr (std::is_same_v<T, DaemonOptions>) return run_daemon(o, command);
        else if constexpr (std::is_same_v<T, SandboxOptions>) return run_sandbox(o, command);
        else if constexpr (std::is_same_v<T, CacheOptions>) return run_cache(o, command);
        else return 2;
      },
      o.command);
}
