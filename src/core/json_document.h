// JsonDocument: a parsed JSON text that remembers where every value and key
// began, so that validation can report "file:line:column: what is wrong".
// (nlohmann/json 3.11 keeps no positions, so we parse through its SAX
// interface and note the lexer's offset at each event.)
// Private to the core library; keeps nlohmann/json out of public headers.
// Thread-safety: an immutable value after parse().
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scarlet/status.h"

namespace scarlet {

class JsonDocument {
 public:
  // `name` prefixes positions (usually the file path). Syntax errors and
  // duplicate keys are errors with their position.
  static Result<JsonDocument> parse(std::string name, std::string_view text);

  const nlohmann::ordered_json& root() const { return root_; }
  // "name:line:column" of the value at a JSON pointer ("" is the root), or of
  // the key that names it. Falls back to the nearest enclosing value.
  std::string where(const std::string& pointer) const;
  std::string where_key(const std::string& pointer) const;

  // Appends one JSON pointer token, escaped per RFC 6901.
  static std::string child(const std::string& pointer, std::string_view token);
  static std::string child(const std::string& pointer, std::size_t index);

 private:
  std::string at(std::size_t offset) const;
  std::string name_;
  nlohmann::ordered_json root_;
  std::vector<std::size_t> line_starts_;
  std::unordered_map<std::string, std::size_t> value_at_, key_at_;
};

}  // namespace scarlet
