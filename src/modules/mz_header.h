// The MZ header shared by MS-DOS and PE files. A PE file is an MZ file whose
// e_lfanew (offset 0x3C) points at "PE\0\0"; both modules must agree on that.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>

#include "scarlet/file_view.h"

namespace scarlet::mz {

inline constexpr std::size_t kHeaderSize = 0x40;   // through e_lfanew
inline constexpr std::size_t kLfanewOffset = 0x3c;

inline bool has_mz_magic(ByteView head) { return has_magic(head, 0, "MZ"); }

// The offset of the "PE\0\0" signature, if e_lfanew points at one inside the file.
inline std::optional<std::uint32_t> pe_signature_offset(const FileView& file) {
  auto lfanew = le32(file.head(), kLfanewOffset);
  if (!lfanew || *lfanew < kHeaderSize || *lfanew > file.size()) return std::nullopt;
  auto sig = file.read(*lfanew, 4);
  if (!sig.ok() || !has_magic(*sig, 0, std::string_view("PE\0\0", 4))) return std::nullopt;
  return *lfanew;
}

}  // namespace scarlet::mz
