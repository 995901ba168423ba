// Registry: which runtimes handle which format, loaded from JSON
// (config/registry.json plus drop-ins in registry.d/, merged in name order).
// See docs/registry.md (and scarlet-registry(5)) for the format.
//
// A Registry is an immutable value: a reload builds a new one and swaps a
// shared_ptr<const Registry>; a file that fails validation rejects the whole
// load, so the previous registry stays in force.
// Thread-safety: immutable after parse(); share freely.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scarlet/abi_module.h"
#include "scarlet/match_spec.h"
#include "scarlet/native_samples.h"
#include "scarlet/resource_control.h"
#include "scarlet/runtime_version.h"
#include "scarlet/selection.h"
#include "scarlet/status.h"

namespace scarlet {

struct EnvVar {
  std::string name;
  std::string value;
  bool operator==(const EnvVar&) const = default;
};

// One resource limit (setrlimit), applied by the shim before exec.
struct Limit {
  std::string name;  // "nofile", "as", …
  int resource = 0;  // RLIMIT_*
  std::uint64_t value = 0;  // RLIM_INFINITY for "unlimited"
  bool operator==(const Limit&) const = default;
};

// An environment variable set to the first of several paths that qualifies:
// it exists and, for a dynamically linked ELF program, holds the program's
// interpreter (so a cross sysroot is chosen only when it can serve it).
struct EnvPathChoice {
  std::string name;
  std::vector<std::string> paths;
  bool operator==(const EnvPathChoice&) const = default;
};

struct RuntimeCandidate {
  std::string path;                // absolute; must be installed and trusted
  std::string via;                 // optional launcher (trusted too) executed instead, given {runtime}
  std::string abi;                 // "native", a format id, or "" to sniff the runtime file
  std::vector<std::string> args;   // template (see arg_template.h); default {binary} {args}
  std::vector<EnvVar> env;
  std::vector<EnvPathChoice> env_if_exists;
  std::vector<Limit> limits;       // override the format's limits by name
  // The runtime's own version must be at least the program's value of the
  // module variable `version_at_least` ({java}: the Java a class file needs);
  // an older one is skipped, and if none is left the user is told why.
  VersionProbe version;
  std::string version_at_least;
  // A program the kernel can start itself in this runtime's place
  // (binfmt_misc flags P and F: it takes the path and argv[0] as the kernel
  // gives them), so that no shim, daemon or file of ours takes part in an
  // exec; route.h says when it is used. `direct_sysroot` is where it looks
  // for a dynamic program's loader first (qemu-user's interp prefix): the
  // daemon links it to the first existing path of env_if_exists.
  std::string direct;
  std::string direct_sysroot;
  std::string where;               // "file:line:column" of the definition
  ResourceControl resources;       // overrides the format's setting by setting
  // Every condition must hold of the program for this candidate to run it
  // (selection.h); explain shows how each went.
  std::vector<Condition> when;
};

struct FormatEntry {
  std::string id;
  std::string description;
  // What to install when no runtime is ("wine32:i386"): the one line a user
  // sees then names it, so a program that cannot run never fails silently.
  std::string install;
  bool enabled = true;
  std::string flags = "POF";          // binfmt_misc flags for this format's kernel entries
  bool direct = true;                 // false: never the kernel route (route.h), always the shim
  std::vector<MatchSpec> binfmt;      // kernel entries; a rule format's comes from its rule
  std::vector<Limit> limits;
  std::vector<RuntimeCandidate> runtimes;  // in order of preference
  std::string where;
  ResourceControl resources;          // cgroup limits for its runtime (resource_control.h)
};

// When another tool's binfmt_misc entry (binfmt-support, systemd-binfmt,
// WSLInterop) matches the same files as one of ours, the kernel uses the one
// registered last.
enum class Precedence {
  ours,    // register ours over theirs, and again whenever they re-register
  theirs,  // leave theirs in charge: do not register ours while theirs exists
};

struct RegistryFile {
  std::string path;  // for messages
  std::string text;
};

// What validation needs to know beyond the files themselves.
struct RegistryChecks {
  std::vector<std::string> known_formats;    // ids the built-in modules produce
  std::vector<std::string> native_formats;   // run by the host itself: entries stay inactive
  std::vector<NativeSample> native_samples;  // a match against these is refused
};

class Registry {
 public:
  // Parses and validates `files` in order. A later file's format entry
  // overrides the keys it sets (runtimes, flags, binfmt…) of the same format
  // and keeps the rest; a later rule replaces one of the same name. Every
  // problem found is reported, one "file:line:column: what is wrong" per line.
  static Result<Registry> parse(std::span<const RegistryFile> files, const RegistryChecks& checks);

  const FormatEntry* find(std::string_view id) const;
  const std::map<std::string, FormatEntry, std::less<>>& formats() const { return formats_; }
  const std::vector<Rule>& rules() const { return rules_; }
  const std::vector<std::string>& sources() const { return sources_; }
  Precedence precedence() const { return precedence_; }
  // What is valid but will not do what it says, one "file:line:column: …"
  // each: formats whose kernel entries match the same files with different
  // flags (the kernel applies one entry's flags to both, so C on msdos, whose
  // "MZ" entry every pe:* format shares, does nothing for MZ files).
  const std::vector<std::string>& warnings() const { return warnings_; }
  // The admin's pins, in precedence order: a later file's before an
  // earlier one's, and within a file in order (selection.h).
  const std::vector<Pin>& pins() const { return pins_; }

 private:
  std::map<std::string, FormatEntry, std::less<>> formats_;
  Precedence precedence_ = Precedence::ours;
  std::vector<Rule> rules_;
  std::vector<std::string> sources_;
  std::vector<std::string> warnings_;
  std::vector<Pin> pins_;
};

// The registry directory beside a main file: "/etc/x/registry.json" -> "/etc/x/registry.d".
std::string drop_in_dir(const std::string& main_path);
// Reads `main_path` and then registry.d/*.json in name order. Files larger
// than 1 MiB are refused. A missing registry.d is fine; a missing main file is not.
Result<std::vector<RegistryFile>> read_registry_files(const std::string& main_path);

}  // namespace scarlet
