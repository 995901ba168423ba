// Detection: what a format module says a file is.
// Thread-safety: a plain value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace scarlet {

// The format id of a binary the host runs itself.
inline constexpr std::string_view kNativeFormat = "native";

struct Fact {
  std::string key;
  std::string value;
  bool operator==(const Fact&) const = default;
};

struct Detection {
  std::string format;       // a format id ("elf:aarch64", "msdos", "rule:bench") or "native"
  std::string module;       // name of the module that recognized the file
  std::vector<Fact> facts;  // what was read from the headers, in display order
  // Values the module offers to the registry's argument templates, e.g.
  // {class} and {classpath} for a Java class.
  std::vector<Fact> vars;

  bool native() const { return format == kNativeFormat; }
  const std::string* fact(std::string_view key) const {
    for (const auto& f : facts)
      if (f.key == key) return &f.value;
    return nullptr;
  }
};

}  // namespace scarlet
