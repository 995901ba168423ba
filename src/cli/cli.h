// Command-line parsing for scarlet-dispatch: one table of subcommands, each
// parsed into a plain options struct. Only cli.cc sees CLI11.
#pragma once

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

struct Options {
  std::string registry;  // main registry file
  std::variant<std::monostate, ExplainOptions, CheckConfigOptions> command;
};

// Parses argv. On --help, --version or a usage error it prints what CLI11
// prints and returns the exit status to use instead of options.
struct Parsed {
  std::optional<Options> options;
  int exit_code = 0;
};
Parsed parse(int argc, char** argv);

}  // namespace scarlet::cli
