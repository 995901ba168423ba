#include "scarlet/shebang.h"

#include <algorithm>
#include <string_view>

namespace scarlet {
namespace {

constexpr std::size_t kKernelBuffer = 256;
constexpr std::string_view kBlanks = " \t";

}  // namespace

Result<std::optional<Shebang>> parse_shebang(ByteView head) {
  if (!has_magic(head, 0, "#!")) return std::optional<Shebang>();
  std::string_view buf(reinterpret_cast<const char*>(head.data()), std::min(head.size(), kKernelBuffer));
  const auto stop = buf.find_first_of(std::string_view("\n\0", 2));
  const bool ended = stop != std::string_view::npos || buf.size() < kKernelBuffer;
  const std::string_view line = buf.substr(2, stop == std::string_view::npos ? stop : stop - 2);
  const auto first = line.find_first_not_of(kBlanks);
  if (first == std::string_view::npos)
    return Result<std::optional<Shebang>>(Code::invalid, "script names no interpreter on its #! line");
  const auto last = line.find_first_of(kBlanks, first);
  if (last == std::string_view::npos && !ended)
    return Result<std::optional<Shebang>>(Code::invalid, "script's #! line is longer than the kernel reads (256 bytes)");
  std::string_view arg = last == std::string_view::npos ? std::string_view() : line.substr(last);
  arg.remove_prefix(std::min(arg.size(), arg.find_first_not_of(kBlanks)));
  arg.remove_suffix(arg.size() - std::min(arg.size(), arg.find_last_not_of(kBlanks) + 1));
  Shebang s{std::string(line.substr(first, last - first)), std::nullopt};
  if (!arg.empty()) s.argument = std::string(arg);
  return std::optional<Shebang>(std::move(s));
}

}  // namespace scarlet
