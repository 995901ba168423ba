// Selection: which of a format's runtime candidates may run a given program.
//
// - Conditions ("when" in the registry) test what the program's module read
//   (its facts and variables: a class file's {java}, a .pyc's "python", a
//   PE's "pe", an ELF's "linkage"), and whether a dynamic ELF program's
//   loader lies in a sysroot ("loader_in").
// - Pins (the registry's top-level "pins") let the admin put one runtime
//   first for programs whose canonical path matches a glob.
// - Discovery: a candidate path with a glob (/usr/lib/jvm/*/bin/java) stands
//   for every file that matches it, each judged on its own.
//
// Thread-safety: plain values and pure functions (apart from the file system
// lookups that loader_in, discovery and program_path make).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scarlet/detection.h"

namespace scarlet {

// One test of a "when" object. `key` names a fact or variable of the
// program; `loader_in` is the one key that is not: it holds when the program
// names no ELF interpreter or one of `values` (sysroots) holds it.
struct Condition {
  std::string key;
  std::vector<std::string> values;       // any of these (text compared exactly); empty: no such test
  std::optional<long> at_least, at_most;  // whole-number tests of the value
  bool operator==(const Condition&) const = default;
};
inline constexpr std::string_view kLoaderIn = "loader_in";

// How one condition went for one program, for explain.
struct ConditionOutcome {
  std::string text;  // "pe is PE32+ (the program's: PE32)"
  bool held = false;
};

// Every condition of `conditions` judged against `program` (all must hold).
std::vector<ConditionOutcome> judge_conditions(const std::vector<Condition>& conditions, const Detection& program);
bool all_held(const std::vector<ConditionOutcome>& outcomes);

// An admin's choice of runtime for some programs.
struct Pin {
  std::string path;     // glob over the program's canonical path (fnmatch, '*' stays within a directory)
  std::string format;   // "" for any format that has the runtime among its candidates
  std::string runtime;  // a candidate's path (or a file its discovery glob matches)
  std::string where;    // "file:line:column" of the pin
  bool operator==(const Pin&) const = default;
};

// Whether `path` is a discovery glob (has *, ? or [).
bool is_glob(std::string_view path);
// Whether the glob `pattern` (or the plain path) names `path`.
bool glob_names(std::string_view pattern, std::string_view path);
// The files a candidate path stands for: itself, or for a glob the files
// that match it now, in name order, at most kMaxDiscovered.
inline constexpr std::size_t kMaxDiscovered = 32;
std::vector<std::string> discover(const std::string& path);

// The program's canonical path as the deciding process sees it: the file
// open at `fd` (its /proc/self/fd link), or `given` when that is absolute
// and there is no fd. Empty when neither is known: then no pin applies.
std::string program_path(int fd, const std::string& given);

// Whether `root` (a sysroot) holds `interp` (a program's PT_INTERP, from an
// untrusted file). The daemon is root and its answer goes back to anyone, so
// the lookup stays beneath the sysroot: no "..", absolute symlink or magic
// link may lead out of it, or the answer would tell whether any file exists.
bool holds_beneath(const std::string& root, const std::string& interp);

}  // namespace scarlet
