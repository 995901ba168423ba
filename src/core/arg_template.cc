#include "scarlet/arg_template.h"

#include <array>

namespace scarlet {
namespace {

constexpr std::array<std::string_view, 8> kPlaceholders = {"binary", "binary_fd", "argv0", "args", "runtime",
                                                           "class", "classpath", "main_class"};

bool known(std::string_view name) {
  for (auto p : kPlaceholders)
    if (p == name) return true;
  return false;
}

// Walks `arg`, calling emit(text) for literal text and emit_placeholder(name)
// for each {name}; stops at the first error.
template <typename Literal, typename Placeholder>
Status walk(std::string_view arg, Literal literal, Placeholder placeholder) {
  for (std::size_t i = 0; i < arg.size(); ++i) {
    char c = arg[i];
    if ((c == '{' || c == '}') && i + 1 < arg.size() && arg[i + 1] == c) {
      literal(std::string_view(&arg[i], 1));
      ++i;
    } else if (c == '{') {
      auto close = arg.find('}', i);
      if (close == std::string_view::npos) return Status::error(Code::invalid, "unclosed \"{\" in \"" + std::string(arg) + "\"");
      auto name = arg.substr(i + 1, close - i - 1);
      if (!known(name)) return Status::error(Code::invalid, "unknown placeholder {" + std::string(name) + "}");
      if (Status st = placeholder(name); !st.ok()) return st;
      i = close;
    } else if (c == '}') {
      return Status::error(Code::invalid, "unmatched \"}\" in \"" + std::string(arg) + "\" (write \"}}\")");
    } else {
      literal(std::string_view(&arg[i], 1));
    }
  }
  return {};
}

}  // namespace

Status check_arg_template(std::string_view arg) {
  if (arg.find("{args}") != std::string_view::npos && arg != "{args}")
    return Status::error(Code::invalid, "{args} must be a whole argument");
  return walk(arg, [](std::string_view) {}, [](std::string_view) { return Status(); });
}

Result<std::vector<std::string>> expand_arg_template(const std::vector<std::string>& templ,
                                                     const PlaceholderLookup& lookup,
                                                     const std::vector<std::string>& rest) {
  std::vector<std::string> out;
  for (const auto& arg : templ) {
    if (arg == "{args}") {
      out.insert(out.end(), rest.begin(), rest.end());
      continue;
    }
    std::string value;
    Status st = walk(
        arg, [&](std::string_view text) { value += text; },
        [&](std::string_view name) {
          auto v = lookup(name);
          if (!v) return Status::error(Code::unsupported, "this file offers no value for {" + std::string(name) + "}");
          value += *v;
          return Status();
        });
    if (!st.ok()) return st;
    out.push_back(std::move(value));
  }
  return out;
}

}  // namespace scarlet
