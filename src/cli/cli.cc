#include "cli.h"

#include <CLI/CLI.hpp>

#include "own_files.h"
#include "scarlet/build_config.h"
#include "scarlet/run_dir.h"

namespace scarlet::cli {

Parsed parse(int argc, char** argv) {
  Options o;
  o.registry = default_registry();
  o.run_dir = requested_run_dir();
  CLI::App app{"scarlet-dispatch: run foreign binaries through the right runtime", "scarlet-dispatch"};
  app.set_version_flag("--version", std::string("scarlet-dispatch ") + kVersion);
  app.option_defaults()->always_capture_default();
  auto* registry = app.add_option("--registry", o.registry, "Main registry file (drop-ins are read from registry.d/ beside it)");
  app.add_option("--run-dir", o.run_dir, "The daemon's socket and registry snapshot (env SCARLET_RUNDIR)");
  app.require_subcommand(1);
  app.footer("Exit status: 0 ok; 1 failed (a registry that does not validate, a daemon that cannot start);\n"
             "2 usage error, or no valid registry to explain with; 3 no daemon answering (status, reload);\n"
             "126 the file or its runtime is refused; 127 no runtime is installed (explain).");

  ExplainOptions explain;
  auto* ex = app.add_subcommand("explain", "Say what FILE is and what would run it, and why");
  ex->add_flag("--json", explain.json, "Print one JSON object");
  ex->add_option("file", explain.file, "The program to explain")->required();
  ex->prefix_command();  // everything after FILE belongs to the program, options included
  ex->footer("ARGS...  arguments the program would be given.\n"
             "Asks the running daemon (so the answer is the registry in force), else decides here;\n"
             "with --registry, always decides here from that file.");
  ex->callback([&] {
    explain.args = ex->remaining();
    o.command = explain;
  });

  CheckConfigOptions check;
  auto* cc = app.add_subcommand("check-config", "Validate a registry file (and its registry.d/ drop-ins)");
  cc->add_option("file", check.file, "Registry file (default: --registry)");
  cc->callback([&] { o.command = check; });

  StatusOptions status;
  auto* st = app.add_subcommand("status", "Show the daemon, its kernel entries, runtimes and counters (root)");
  st->add_flag("--json", status.json, "Print one JSON object");
  st->callback([&] { o.command = status; });

  auto* rl = app.add_subcommand("reload", "Make the daemon re-read the registry (root; as SIGHUP)");
  rl->callback([&] { o.command = ReloadOptions{}; });

  DaemonOptions daemon;
  auto* dm = app.add_subcommand("daemon", "Run the service: register binfmt_misc entries and answer the shim");
  dm->add_option("--shim", daemon.shim, "The interpreter to register (default: scarlet-shim beside this program, or installed)");
  dm->add_option("--binfmt-dir", daemon.binfmt_dir, "Where binfmt_misc is (mounted there if it is not)");
  dm->add_flag("--no-binfmt", daemon.no_binfmt, "Leave the kernel table alone; only answer on the socket");
  dm->add_flag("--no-scopes", daemon.no_scopes, "Make no systemd scopes for formats with resources (rlimits stand in)");
  dm->add_flag("--remove-entries", daemon.remove_entries, "Remove our entries when stopping (default: keep them working)");
  dm->add_option("--threads", daemon.threads, "Threads serving requests")->check(CLI::Range(1u, 64u));
  dm->add_option("--cache-entries", daemon.cache_entries, "Decisions kept in the cache (0: no cache)");
  dm->add_option("--deadline-ms", daemon.deadline_ms, "Time a client has to send its request")->check(CLI::Range(10u, 60000u));
  dm->add_option("--max-connections", daemon.max_connections, "Connections served at once");
  dm->add_option("--max-per-user", daemon.max_per_user, "Connections served at once per user other than root");
  // Warnings and errors are always logged: there is no quieter level.
  dm->add_option("--log-level", daemon.log_level, "trace, debug (one line per dispatch), info or warn")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn"}));
  dm->callback([&] { o.command = daemon; });

  SandboxOptions sandbox;
  auto* sb = app.add_subcommand("sandbox", "Run CMD with a private binfmt_misc and its own daemon (user namespace)");
  std::string sandbox_registry;
  auto* sb_registry = sb->add_option("--registry", sandbox_registry, "Registry for the sandbox's daemon (as the global --registry)");
  sb->add_option("command", sandbox.command, "CMD [ARGS...], after --")->required();
  sb->footer("CMD runs as uid 0 of a new user and mount namespace, with the sandbox's daemon serving\n"
             "foreign programs; the host's binfmt_misc table is never touched. Exits with CMD's status.");
  sb->callback([&] {
    if (sb_registry->count() > 0) o.registry = sandbox_registry;
    o.command = sandbox;
  });

  CacheOptions cache;
  auto* ca = app.add_subcommand("cache", "Show what is kept warm or cached for you (Wine servers, transpiled components)");
  ca->add_flag("--json", cache.json, "Print one JSON object");
  ca->add_option("--user", cache.user, "Act for this user (name or uid; root only)");
  auto* drop = ca->add_subcommand("drop", "End your warm Wine servers and remove cached components");
  drop->add_option("what", cache.what, "wine, components or all")->check(CLI::IsMember({"wine", "components", "all"}));
  drop->callback([&] { cache.drop = true; });
  ca->footer("Caches live in ${XDG_CACHE_HOME:-~/.cache}/scarlet-dispatch of the user (its passwd home, never\n"
             "someone else's $HOME). A Wine server stays SCARLET_WINE_IDLE seconds (300) after its last program;\n"
             "components take at most SCARLET_CACHE_MAX_MB MiB (128), least recently used first out.");
  ca->final_callback([&] { o.command = cache; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here with 0; any usage error is exit 2.
    return {std::nullopt, app.exit(e) == 0 ? 0 : 2};
  }
  o.registry_given = registry->count() > 0 || sb_registry->count() > 0;
  return {std::move(o), 0};
}

}  // namespace scarlet::cli
