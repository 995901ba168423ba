#include "scarlet/runtime_version.h"

#include <charconv>

#include "scarlet/text_file.h"

namespace scarlet {
namespace {

constexpr std::size_t kMaxVersionFile = 64 * 1024;  // a JDK's release file is about 1 KiB

std::optional<int> leading_number(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<int> feature_version(std::string_view text, std::string_view key) {
  for (std::size_t at = 0; at < text.size();) {
    auto end = text.find('\n', at);
    std::string_view line = text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    at = end == std::string_view::npos ? text.size() : end + 1;
    if (!line.starts_with(key) || line.substr(key.size(), 1) != "=") continue;
    std::string_view value = line.substr(key.size() + 1);
    if (value.starts_with('"')) value.remove_prefix(1);
    auto first = leading_number(value);
    // Java before 9 called itself 1.N.
    if (first == 1 && value.size() > 2 && value[1] == '.') return leading_number(value.substr(2));
    return first;
  }
  return std::nullopt;
}

std::optional<int> runtime_version(const std::string& runtime_file, const VersionProbe& probe) {
  auto slash = runtime_file.rfind('/');
  if (slash == std::string::npos || probe.file.empty()) return std::nullopt;
  auto text = read_text_file(runtime_file.substr(0, slash + 1) + probe.file, kMaxVersionFile, "a version file");
  if (!text.ok()) return std::nullopt;
  return feature_version(*text, probe.key);
}

}  // namespace scarlet
