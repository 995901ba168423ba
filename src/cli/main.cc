// scarlet-dispatch: the command-line tool and (with `daemon`) the service.
#include "cli.h"
#include "commands.h"

int main(int argc, char** argv) {
  using namespace scarlet::cli;
  Parsed parsed = parse(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  const Options& o = *parsed.options;
  if (auto* e = std::get_if<ExplainOptions>(&o.command)) return run_explain(o.registry, *e);
  if (auto* c = std::get_if<CheckConfigOptions>(&o.command)) return run_check_config(o.registry, *c);
  return 2;
}
