// Command-line parsing for scarlet-dispatch: one table of subcommands, each
// parsed into a plain options struct. Only cli.cc sees CLI11.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace scarlet::cli {

struct ExplainOptions {
  bool json = false;
  std::string file;
  std::vector<std::string> args;
};
struct CheckConfigOptions {
  std::string file;  // empty: the configured registry
};
struct StatusOptions {
  bool json = false;
};
struct ReloadOptions {};
struct DaemonOptions {
  std::string shim;  // empty: beside this program, or the installed one
  std::string binfmt_dir = "/proc/sys/fs/binfmt_misc";
  bool no_binfmt = false;
  bool no_scopes = false;  // formats with "resources" get rlimits only (transient_scope.h)
  bool remove_entries = false;
  unsigned threads = 2;
  std::size_t cache_entries = 2048;
  unsigned deadline_ms = 2000;
  std::size_t max_connections = 512;
  std::size_t max_per_user = 128;
  std::string log_level = "info";
};
struct SandboxOptions {
  std::vector<std::string> command;
};
struct CacheOptions {
  bool json = false;
  std::string user;          // root only: act for this user (name or uid)
  bool drop = false;         // `cache drop`
  std::string what = "all";  // what to drop: wine, components or all
};

struct Options {
  std::string registry;         // main registry file
  bool registry_given = false;  // --registry on the command line
  std::string run_dir;          // the daemon's socket and snapshot
  std::variant<std::monostate, ExplainOptions, CheckConfigOptions, StatusOptions, ReloadOptions, DaemonOptions,
               SandboxOptions, CacheOptions>
      command;
};

// Parses argv. On --help, --version or a usage error it prints what CLI11
// prints and returns the exit status to use instead of options.
struct Parsed {
  std::optional<Options> options;
  int exit_code = 0;
};
Parsed parse(int argc, char** argv);

}  // namespace scarlet::cli
