#include "scarlet/match_spec.h"

namespace scarlet {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view extension_of(std::string_view path) {
  auto slash = path.rfind('/');
  auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  auto dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
}

}  // namespace

bool MatchSpec::matches_magic(ByteView head) const {
  if (magic.empty()) return false;
  if (offset > head.size() || head.size() - offset < magic.size()) return false;
  for (std::size_t i = 0; i < magic.size(); ++i) {
    auto m = mask.empty() ? 0xffu : static_cast<std::uint8_t>(mask[i]);
    if ((head[offset + i] & m) != (static_cast<std::uint8_t>(magic[i]) & m)) return false;
  }
  return true;
}

bool MatchSpec::matches(ByteView head, std::string_view path) const {
  if (magic.empty() && extension.empty()) return false;
  if (!magic.empty() && !matches_magic(head)) return false;
  if (!extension.empty() && extension_of(path) != extension) return false;
  return true;
}

Result<std::string> decode_hex_escapes(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\\') {
      out += '\\';
      ++i;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != 'x') {
      return Result<std::string>(Code::invalid, "bad escape at character " + std::to_string(i + 1) +
                                                    ": use \\xHH for a byte or \\\\ for a backslash");
    }
    int hi = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    int lo = i + 3 < text.size() ? hex_value(text[i + 3]) : -1;
    if (hi < 0 || lo < 0)
      return Result<std::string>(Code::invalid, "bad escape at character " + std::to_string(i + 1) +
                                                    ": \\x needs two hex digits");
    out += static_cast<char>(hi * 16 + lo);
    i += 3;
  }
  return out;
}

std::string encode_hex_escapes(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 4);
  for (unsigned char c : bytes) {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

bool overlaps(const MatchSpec& a, const MatchSpec& b) {
  if (!a.extension.empty() || !b.extension.empty()) return a.extension == b.extension && a.magic.empty() == b.magic.empty();
  // Byte i of the file is constrained by a at i - a.offset and by b at
  // i - b.offset; a conflict on any byte both care about rules out a match.
  for (std::size_t i = 0; i < a.magic.size(); ++i) {
    std::size_t pos = a.offset + i;
    if (pos < b.offset || pos - b.offset >= b.magic.size()) continue;
    std::size_t j = pos - b.offset;
    auto ma = a.mask.empty() ? 0xffu : static_cast<std::uint8_t>(a.mask[i]);
    auto mb = b.mask.empty() ? 0xffu : static_cast<std::uint8_t>(b.mask[j]);
    auto both = ma & mb;
    if ((static_cast<std::uint8_t>(a.magic[i]) & both) != (static_cast<std::uint8_t>(b.magic[j]) & both)) return false;
  }
  return true;
}

}  // namespace scarlet
