// The documentation agrees with the program: every subcommand and option
// that --help shows is in scarlet-dispatch(8), and the bash completion offers
// them.
#include <catch2/catch.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "integration/paths.h"
#include "support/run.h"
#include "support/temp_dir.h"

using namespace scarlet::test;

namespace {

const std::vector<std::string> kCommands = {"explain", "check-config", "status", "reload", "daemon", "sandbox", "cache"};

std::set<std::string> options_in_help(const std::string& help) {
  std::set<std::string> out;
  std::regex option("(^|[ ,])(--[a-z][a-z-]*)");
  for (auto it = std::sregex_iterator(help.begin(), help.end(), option); it != std::sregex_iterator(); ++it)
    out.insert((*it)[2]);
  return out;
}

// Completion candidates for a command line (the last word is being completed).
std::set<std::string> complete(const std::string& line) {
  RunResult r = run({"bash", "-c", R"SH(
source /usr/share/bash-completion/bash_completion
source "$SRC/config/completion/scarlet-dispatch"
COMP_LINE=$LINE; COMP_POINT=${#LINE}
read -ra COMP_WORDS <<< "$LINE"
[[ $LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
_scarlet_dispatch
printf '%s\n' "${COMPREPLY[@]}"
)SH"}, "", {"SRC=" + kSourceDir, "LINE=" + line});
  std::set<std::string> out;
  std::istringstream in(r.out);
  for (std::string w; std::getline(in, w);)
    if (!w.empty()) out.insert(w);
  return out;
}

}  // namespace

TEST_CASE("docs: every subcommand and option of --help is in the man page", "[docs]") {
  std::string man = read_file(kSourceDir + "/docs/man/scarlet-dispatch.8");
  auto in_man = [&](const std::string& option) {
    return man.find(std::regex_replace(option, std::regex("-"), "\\-")) != std::string::npos;
  };
  RunResult top = run({kCli, "--help"});
  for (const auto& o : options_in_help(top.out)) CHECK(in_man(o));
  for (const auto& c : kCommands) {
    INFO(c);
    CHECK(top.out.find(c) != std::string::npos);
    CHECK(man.find(".BR " + c) != std::string::npos);
    RunResult help = run({kCli, c, "--help"});
    REQUIRE(help.exit_code == 0);
    for (const auto& o : options_in_help(help.out)) {
      INFO(o);
      CHECK(in_man(o));
    }
  }
  std::string registry_man = read_file(kSourceDir + "/docs/man/scarlet-registry.5");
  for (const char* key : {"runtimes", "enabled", "flags", "binfmt", "limits", "path", "args", "env_if_exists", "via", "abi",
                          "precedence", "rules", "{binary_fd}", "{argv0}", "when", "loader_in", "pins", "at_least", "confine", "no_new_privs", "{program_dir}"})
    CHECK(registry_man.find(key) != std::string::npos);
}

TEST_CASE("docs: --help and the man page list the same exit codes", "[docs]") {
  auto codes = [](const std::string& text, const std::regex& code) {
    std::set<std::string> out;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), code); it != std::sregex_iterator(); ++it)
      out.insert((*it)[1]);
    return out;
  };
  std::string man = read_file(kSourceDir + "/docs/man/scarlet-dispatch.8");
  auto section = man.find(".SH EXIT STATUS");
  REQUIRE(section != std::string::npos);
  std::string exit_status = man.substr(section, man.find(".SH ", section + 1) - section);
  std::string help = run({kCli, "--help"}).out;
  REQUIRE(help.find("Exit status:") != std::string::npos);
  std::string footer = help.substr(help.find("Exit status:"));
  auto in_man = codes(exit_status, std::regex("\\n\\.TP\\n\\.B ([0-9]+)\\n"));
  CHECK(in_man == std::set<std::string>{"0", "1", "2", "3", "126", "127"});
  CHECK(codes(footer, std::regex("(?:: |; |\\n)([0-9]+) ")) == in_man);
}

TEST_CASE("docs: bash completes subcommands, options and files", "[docs]") {
  CHECK(complete("scarlet-dispatch ") ==
        std::set<std::string>{"explain", "check-config", "status", "reload", "daemon", "sandbox", "cache"});
  CHECK(complete("scarlet-dispatch ch") == std::set<std::string>{"check-config"});
  CHECK(complete("scarlet-dispatch --re") == std::set<std::string>{"--registry"});
  CHECK(complete("scarlet-dispatch status --") == std::set<std::string>{"--json", "--help"});
  CHECK(complete("scarlet-dispatch daemon --log-level d") == std::set<std::string>{"debug"});
  CHECK(complete("scarlet-dispatch daemon --remove").count("--remove-entries") == 1);
  CHECK(complete("scarlet-dispatch explain --j") == std::set<std::string>{"--json"});
  CHECK(complete("scarlet-dispatch cache ") == std::set<std::string>{"--json", "--user", "drop", "--help"});
  CHECK(complete("scarlet-dispatch cache drop ") == std::set<std::string>{"wine", "components", "all", "--help"});
  // Every daemon option --help shows is offered.
  auto offered = complete("scarlet-dispatch daemon --");
  for (const auto& o : options_in_help(run({kCli, "daemon", "--help"}).out)) CHECK(offered.count(o) == 1);
  TempDir dir;
  dir.write("prog.jar", "x");
  dir.write("registry.json", "{}");
  CHECK(complete("scarlet-dispatch explain " + dir.path() + "/pro") == std::set<std::string>{dir.path() + "/prog.jar"});
  CHECK(complete("scarlet-dispatch --registry " + dir.path() + "/") == std::set<std::string>{dir.path() + "/registry.json"});
  CHECK(complete("scarlet-dispatch sandbox -- ech").count("echo") == 1);
}
