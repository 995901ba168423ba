// Bounds-checked integer reads from byte views, for the format sniffers.
// Every accessor returns nullopt instead of reading past the end.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace scarlet {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

template <typename T, bool kBigEndian>
std::optional<T> load(ByteView b, std::size_t off) {
  if (off > b.size() || b.size() - off < sizeof(T)) return std::nullopt;
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    std::size_t at = kBigEndian ? off + i : off + sizeof(T) - 1 - i;
    v = static_cast<T>((v << 8) | b[at]);
  }
  return v;
}

inline std::optional<std::uint16_t> le16(ByteView b, std::size_t off) { return load<std::uint16_t, false>(b, off); }
inline std::optional<std::uint32_t> le32(ByteView b, std::size_t off) { return load<std::uint32_t, false>(b, off); }
inline std::optional<std::uint64_t> le64(ByteView b, std::size_t off) { return load<std::uint64_t, false>(b, off); }
inline std::optional<std::uint16_t> be16(ByteView b, std::size_t off) { return load<std::uint16_t, true>(b, off); }
inline std::optional<std::uint32_t> be32(ByteView b, std::size_t off) { return load<std::uint32_t, true>(b, off); }

// True when `b` holds `magic` at `off`.
inline bool has_magic(ByteView b, std::size_t off, std::string_view magic) {
  if (off > b.size() || b.size() - off < magic.size()) return false;
  for (std::size_t i = 0; i < magic.size(); ++i)
    if (b[off + i] != static_cast<std::uint8_t>(magic[i])) return false;
  return true;
}

}  // namespace scarlet
