// RuntimeVersion: what version an installed runtime is, read from a small
// file it ships beside itself, such as a JDK's or JRE's "release"
// (JAVA_VERSION="17.0.15"), so that a program that needs a newer runtime is
// told so in one line before the runtime fails on it in its own words.
// Thread-safety: pure apart from reading the file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace scarlet {

// How to find a runtime's version: `file` relative to the directory of the
// runtime's canonical path ("../release" for .../bin/java), and the KEY of
// its KEY="value" line.
struct VersionProbe {
  std::string file;
  std::string key;
  bool operator==(const VersionProbe&) const = default;
};

// The feature version (the first number; "1.8.0_392" is 8, as Java counts)
// from `text`'s KEY="value" line, nullopt when there is none.
std::optional<int> feature_version(std::string_view text, std::string_view key);

// The feature version of the runtime at `runtime_file` (a canonical path),
// nullopt when its version file is missing or says nothing usable.
std::optional<int> runtime_version(const std::string& runtime_file, const VersionProbe& probe);

}  // namespace scarlet
