#include "cli.h"

#include <CLI/CLI.hpp>

#include "scarlet/build_config.h"

namespace scarlet::cli {

Parsed parse(int argc, char** argv) {
  Options o;
  o.registry = kDefaultRegistry;
  CLI::App app{"scarlet-dispatch: run foreign binaries through the right runtime", "scarlet-dispatch"};
  app.set_version_flag("--version", std::string("scarlet-dispatch ") + kVersion);
  app.option_defaults()->always_capture_default();
  app.add_option("--registry", o.registry, "Main registry file (drop-ins are read from registry.d/ beside it)");
  app.require_subcommand(1);

  ExplainOptions explain;
  auto* ex = app.add_subcommand("explain", "Say what FILE is and what would run it, and why");
  ex->add_flag("--json", explain.json, "Print one JSON object");
  ex->add_option("file", explain.file, "The program to explain")->required();
  ex->prefix_command();  // everything after FILE belongs to the program, options included
  ex->footer("ARGS...  arguments the program would be given");
  ex->callback([&] {
    explain.args = ex->remaining();
    o.command = explain;
  });

  CheckConfigOptions check;
  auto* cc = app.add_subcommand("check-config", "Validate a registry file (and its registry.d/ drop-ins)");
  cc->add_option("file", check.file, "Registry file (default: --registry)");
  cc->callback([&] { o.command = check; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return {std::nullopt, app.exit(e)};
  }
  return {std::move(o), 0};
}

}  // namespace scarlet::cli
