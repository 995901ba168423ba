// Living next to other tools' binfmt_misc entries (binfmt-support,
// systemd-binfmt, WSLInterop). When two entries match the same file, the
// kernel uses the one registered last; the registry's precedence says whether
// that should be ours (register over theirs, and again each time they
// re-register) or theirs (stand back while theirs exists).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "binfmt_entry.h"

namespace scarlet::binfmt {

struct Coexistence {
  std::vector<Entry> wanted;            // ours that should be registered now
  std::vector<std::string> reregister;  // ours to register again, after theirs
  struct Yield {
    std::string ours, theirs;
  };
  std::vector<Yield> yielded;           // ours kept away by theirs
};

// `planned`: our entries as the registry wants them; `kernel`: the table now;
// `seen`: other tools' entries as they were when ours were last registered
// (any of theirs that is new or changed since is newer than ours).
Coexistence reconcile(const std::vector<Entry>& planned, const std::vector<Entry>& kernel, const std::vector<Entry>& seen,
                      Precedence precedence);

// Other tools' enabled entries in `kernel`.
std::vector<Entry> others(const std::vector<Entry>& kernel);

}  // namespace scarlet::binfmt
