// AbiModule: one family of binary formats (ELF, PE, Wasm…) and how to tell
// its members apart. In the spirit of the Scarlet kernel's
// get_runtime_config(file, path): a module looks at the file's bytes and says
// what it is; the registry then turns that into a RuntimeConfig.
//
// Modules are immutable after construction and safe to call from several
// threads at once. They read only through the FileView they are given.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scarlet/detection.h"
#include "scarlet/file_view.h"
#include "scarlet/host_abi.h"
#include "scarlet/match_spec.h"
#include "scarlet/status.h"

namespace scarlet {

// A registry rule: an admin-defined format "rule:<name>".
struct Rule {
  std::string name;
  MatchSpec match;
};

// What a module answers:
//   nullopt      the file is not in this module's family; ask the next module
//   Detection    the file is recognized
//   error        the file is in this family but unusable (truncated, corrupt,
//                not a program): the dispatcher refuses it with this message
using Sniff = Result<std::optional<Detection>>;

// What modules may depend on; each factory copies what it needs.
struct ModuleContext {
  HostAbi host;
  std::vector<Rule> rules;
};

class AbiModule {
 public:
  virtual ~AbiModule() = default;
  virtual std::string_view name() const = 0;
  // Every format id this module can return (for validating the registry).
  virtual std::vector<std::string> formats() const = 0;
  // `path` is the file's name as the user gave it; only its text is used
  // (extensions, a class's package directories), never to open anything.
  virtual Sniff get_runtime_config(const FileView& file, std::string_view path) const = 0;
};

using ModuleList = std::vector<std::unique_ptr<AbiModule>>;

// Convenience for modules.
inline Sniff not_mine() { return std::optional<Detection>{}; }
inline Sniff refuse(std::string message) { return Status::error(Code::invalid, std::move(message)); }

}  // namespace scarlet
