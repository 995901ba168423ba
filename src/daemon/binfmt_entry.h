// binfmt_misc entries: the register line we write, the entry files the kernel
// shows, and which entries a registry wants (see DESIGN.md, "Kernel contract").
//
// Every entry of ours is named "scarlet-<format>" (":" becomes ".", so that
// no name of ours ends in "-<arch>", which other tools' uninstallers take for
// theirs; a second kernel match of one format gets "-2", …). Entries of other tools are read,
// compared and reported, never written.
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "scarlet/match_spec.h"
#include "scarlet/native_samples.h"
#include "scarlet/registry.h"
#include "scarlet/route.h"
#include "scarlet/status.h"

namespace scarlet::binfmt {

inline constexpr const char* kPrefix = "scarlet-";
inline constexpr std::size_t kMaxRegisterLine = 1920;  // the kernel's MAX_REGISTER_LENGTH

struct Entry {
  std::string name;
  bool enabled = true;
  std::string interpreter;
  std::string flags;  // as registered: subset of "POCF"
  MatchSpec match;    // magic (with mask and offset) or extension
  bool operator==(const Entry&) const = default;
};

inline bool is_ours(const std::string& name) { return name.starts_with(kPrefix); }

// An entry as the kernel will show it back: flags in P, O, C, F order with O
// added when C is set (C implies O), and magic bytes under the mask.
Entry normalized(Entry e);
// Same registration, whether or not someone disabled it meanwhile.
bool same_registration(const Entry& a, const Entry& b);

// ":name:M:offset:magic:mask:interpreter:flags" with every magic and mask
// byte escaped, or an error when the kernel would refuse it.
Result<std::string> register_line(const Entry& e);

// An entry file's text, as in /proc/sys/fs/binfmt_misc/<name>.
Result<Entry> parse_entry(const std::string& name, const std::string& text);

// The entries a registry wants, and the ones it must not get.
struct Plan {
  struct Wanted {
    Entry entry;
    std::string format;
  };
  struct Refused {
    std::string name, format, reason;
  };
  std::vector<Wanted> entries;
  std::vector<Refused> refused;   // would match a native program, the shim or a runtime, or too long
  std::vector<std::string> idle;  // formats without entries: disabled, or run natively here
};

// Every enabled format gets its entries, whether or not a runtime is
// installed: a user then reads "msdos program, but no runtime is installed
// (tried dosbox)" rather than "Exec format error". Each names the
// interpreter and flags of its format's route (route.h; plan_routes gives
// one for every format that gets entries). `forbidden`: heads of files no
// entry may match (native programs, the shim, the runtimes).
Plan plan_entries(const Registry& registry, const std::vector<std::string>& native_formats,
                  const std::map<std::string, Route>& routes, const std::vector<NativeSample>& forbidden);

}  // namespace scarlet::binfmt
