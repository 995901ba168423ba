// Helpers to run one module over bytes in tests.
#pragma once

#include <string>

#include "scarlet/modules.h"

namespace scarlet::test {

// A module context for an x86_64 host that also runs i386, with `rules`.
inline ModuleContext x86_host(std::vector<Rule> rules = {}) {
  return {HostAbi({"elf:x86_64", "elf:i386"}), std::move(rules)};
}

inline Sniff sniff(const AbiModule& module, std::string bytes, std::string_view path = "prog") {
  return module.get_runtime_config(FileView::over_bytes(std::move(bytes)), path);
}

// The detected format, "" when the module passes, or "refused: <message>".
inline std::string format_of(const AbiModule& module, std::string bytes, std::string_view path = "prog") {
  Sniff s = sniff(module, std::move(bytes), path);
  if (!s.ok()) return "refused: " + s.status().message();
  return *s ? (*s)->format : "";
}

}  // namespace scarlet::test
