// "#!" scripts. The kernel runs them itself (fs/binfmt_script.c), by
// executing the interpreter the first line names with the script's path as
// an argument, so a script is native. What this module adds is the
// interpreter and its one optional argument, parsed as the kernel does: the
// kernel reads the first 256 bytes (BINPRM_BUF_SIZE), the interpreter ends
// at a space, tab or the line's end, and everything after it on the line,
// trimmed, is one argument. The dispatcher follows the interpreter when a
// runtime is a script (dispatcher.h).
#include <algorithm>

#include "scarlet/abi_module.h"

namespace scarlet {
namespace {

constexpr std::size_t kKernelBuffer = 256;
constexpr std::string_view kBlanks = " \t";

class ScriptModule final : public AbiModule {
 public:
  std::string_view name() const override { return "script"; }
  std::vector<std::string> formats() const override { return {}; }  // native only

  Sniff get_runtime_config(const FileView& file, std::string_view) const override {
    ByteView h = file.head();
    if (!has_magic(h, 0, "#!")) return not_mine();
    std::string_view buf(reinterpret_cast<const char*>(h.data()), std::min(h.size(), kKernelBuffer));
    // The line ends at a newline or a NUL; the kernel's buffer is zeroed, so
    // a file shorter than it ends in NULs.
    const auto stop = buf.find_first_of(std::string_view("\n\0", 2));
    const bool ended = stop != std::string_view::npos || buf.size() < kKernelBuffer;
    const std::string_view line = buf.substr(2, stop == std::string_view::npos ? stop : stop - 2);
    const auto first = line.find_first_not_of(kBlanks);
    if (first == std::string_view::npos) return refuse("script names no interpreter on its #! line");
    const auto last = line.find_first_of(kBlanks, first);
    if (last == std::string_view::npos && !ended)
      return refuse("script's #! line is longer than the kernel reads (256 bytes)");
    std::string_view arg = last == std::string_view::npos ? std::string_view() : line.substr(last);
    arg.remove_prefix(std::min(arg.size(), arg.find_first_not_of(kBlanks)));
    arg.remove_suffix(arg.size() - std::min(arg.size(), arg.find_last_not_of(kBlanks) + 1));

    Detection d;
    d.format = std::string(kNativeFormat);
    d.facts.push_back({"kind", "script"});
    d.facts.push_back({"interpreter", std::string(line.substr(first, last - first))});
    if (!arg.empty()) d.facts.push_back({"interpreter_arg", std::string(arg)});
    return std::optional<Detection>(std::move(d));
  }
};

}  // namespace

std::unique_ptr<AbiModule> make_script_module(const ModuleContext&) { return std::make_unique<ScriptModule>(); }

}  // namespace scarlet
