// MatchSpec: recognizing a file the way binfmt_misc does, by magic bytes under
// a mask at an offset and/or by file-name extension. Used for the registry's
// rules (rule:<name> formats) and for each format's kernel entry.
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "scarlet/bytes.h"
#include "scarlet/status.h"

namespace scarlet {

struct MatchSpec {
  std::string magic;      // raw bytes; empty when matching by extension only
  std::string mask;       // raw bytes, same length as magic; empty means all ones
  std::uint32_t offset = 0;
  std::string extension;  // without the dot; empty when matching by magic only

  // Kernel limit: offset + magic must lie within the first 256 bytes.
  static constexpr std::size_t kKernelWindow = 256;

  // True when every part that is set matches: magic under mask at offset in
  // `head`, and the extension of `path` (compared exactly, as the kernel does).
  bool matches(ByteView head, std::string_view path) const;
  // The magic part alone; false when there is no magic.
  bool matches_magic(ByteView head) const;
  bool operator==(const MatchSpec&) const = default;
};

// Whether one file could match both (the same extension, or magics that
// agree on every byte both masks look at).
bool overlaps(const MatchSpec& a, const MatchSpec& b);

// Decodes registry text with \xHH escapes ("\x7fELF") into bytes; "\\" is a
// backslash. Any other escape, or an incomplete one, is an error.
Result<std::string> decode_hex_escapes(std::string_view text);
// Every byte as \xHH: the form binfmt_misc's register file needs.
std::string encode_hex_escapes(std::string_view bytes);

}  // namespace scarlet
