// "#!" scripts. The kernel runs them itself (fs/binfmt_script.c), by
// executing the interpreter the first line names with the script's path as
// an argument, so a script is native. What this module adds is the
// interpreter and its one optional argument, as the kernel reads them
// (shebang.h). The dispatcher follows the interpreter when a runtime is a
// script (dispatcher.h).
#include "scarlet/abi_module.h"
#include "scarlet/shebang.h"

namespace scarlet {
namespace {

class ScriptModule final : public AbiModule {
 public:
  std::string_view name() const override { return "script"; }
  std::vector<std::string> formats() const override { return {}; }  // native only

  Sniff get_runtime_config(const FileView& file, std::string_view) const override {
    auto line = parse_shebang(file.head());
    if (!line.ok()) return refuse(line.status().message());
    if (!*line) return not_mine();
    Detection d;
    d.format = std::string(kNativeFormat);
    d.facts.push_back({"kind", "script"});
    d.facts.push_back({"interpreter", (*line)->interpreter});
    if ((*line)->argument) d.facts.push_back({"interpreter_arg", *(*line)->argument});
    return std::optional<Detection>(std::move(d));
  }
};

}  // namespace

std::unique_ptr<AbiModule> make_script_module(const ModuleContext&) { return std::make_unique<ScriptModule>(); }

}  // namespace scarlet
