// BinfmtTable: one binfmt_misc instance (a directory such as
// /proc/sys/fs/binfmt_misc), read and changed through its files. Only entries
// named scarlet-* are ever written, disabled or removed; the table is never
// flushed.
// Thread-safety: not thread-safe; the daemon serializes its use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "binfmt_entry.h"

namespace scarlet::binfmt {

class BinfmtTable {
 public:
  explicit BinfmtTable(std::string dir) : dir_(std::move(dir)) {}

  const std::string& dir() const { return dir_; }
  // Mounts binfmt_misc on dir() when nothing is mounted there yet.
  Status ensure_mounted() const;
  // Every entry, ours and other tools'.
  Result<std::vector<Entry>> list() const;
  Status add(const Entry& entry) const;
  Status remove(const std::string& name) const;  // refuses names not ours

  // Registers `entry` again, changed, without a moment in which its files
  // have no handler (an exec then would fail with ENOEXEC).
  Status replace(const Entry& entry) const;

  // Makes our entries exactly `wanted`: removes ours that are not wanted,
  // replaces those that differ, adds the missing. Returns what it changed,
  // one line per change, and fails only when it could not read the table;
  // entries the kernel refuses are reported in `problems`.
  Result<std::vector<std::string>> sync(const std::vector<Entry>& wanted, std::vector<std::string>& problems) const;

  static constexpr std::string_view kBridgeSuffix = ".next";  // replace()'s passing entry

 private:
  std::string dir_;
};

}  // namespace scarlet::binfmt
