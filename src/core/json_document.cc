#include "json_document.h"

#include <algorithm>
#include <cctype>
#include <iterator>

namespace scarlet {
namespace {

using json = nlohmann::ordered_json;

// An iterator over the text that records how far the lexer has read.
struct CountingIterator {
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  const char* p = nullptr;
  const char* base = nullptr;
  std::size_t* consumed = nullptr;

  reference operator*() const { return *p; }
  CountingIterator& operator++() {
    ++p;
    *consumed = static_cast<std::size_t>(p - base);
    return *this;
  }
  CountingIterator operator++(int) {
    auto old = *this;
    ++*this;
    return old;
  }
  bool operator==(const CountingIterator& o) const { return p == o.p; }
};

// Where a syntax error is: `position` counts what the lexer read, through the
// character that did not fit; point at the start of the word it ended ("tru"
// in "tru }"), or at the very end when the text ran out.
std::size_t error_offset(std::string_view text, std::size_t position, bool at_end) {
  if (at_end) return text.size();
  std::size_t at = std::min(position ? position - 1 : 0, text.size());
  auto wordy = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.'; };
  while (at > 0 && wordy(text[at - 1])) --at;
  return at;
}

// What a document may cost to place: a position is kept for every value
// under its JSON pointer, so deep nesting or long keys multiply. A registry
// is a few levels deep; these bounds only stop hostile texts.
constexpr std::size_t kMaxDepth = 64;
constexpr std::size_t kMaxPointerBytes = 32u << 20;

bool is_number_char(char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'; }

class PositionSax : public nlohmann::json_sax<json> {
 public:
  PositionSax(std::string_view text, const std::size_t& consumed, json& root,
              std::unordered_map<std::string, std::size_t>& value_at,
              std::unordered_map<std::string, std::size_t>& key_at)
      : text_(text), consumed_(consumed), root_(root), value_at_(value_at), key_at_(key_at) {}

  bool null() override { return add(json(nullptr), literal_start()); }
  bool boolean(bool v) override { return add(json(v), literal_start()); }
  bool number_integer(number_integer_t v) override { return add(json(v), number_start()); }
  bool number_unsigned(number_unsigned_t v) override { return add(json(v), number_start()); }
  bool number_float(number_float_t v, const string_t&) override { return add(json(v), number_start()); }
  bool string(string_t& v) override { return add(json(std::move(v)), string_start()); }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    Frame& f = stack_.back();
    if (f.value->contains(k) && duplicate_.empty()) {
      duplicate_ = k;
      duplicate_at_ = string_start();
    }
    f.key = k;
    return remember(key_at_, JsonDocument::child(f.pointer, k), string_start());
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    std::string what = e.what();
    error_at_ = error_offset(text_, position, what.find("unexpected end of input") != std::string::npos);
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line L, column C: ".
    if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    error_ = what;
    return false;
  }

  const std::string& error() const { return error_; }
  std::size_t error_at() const { return error_at_; }
  const std::string& duplicate() const { return duplicate_; }
  std::size_t duplicate_at() const { return duplicate_at_; }

 private:
  struct Frame {
    json* value;
    std::string pointer;
    std::string key;
  };

  std::size_t string_start() const {
    // consumed_ is just past the closing quote; find the unescaped opening one.
    std::size_t i = consumed_ >= 2 ? consumed_ - 2 : 0;
    while (i > 0) {
      if (text_[i] == '"') {
        std::size_t slashes = 0;
        while (i >= slashes + 1 && text_[i - slashes - 1] == '\\') ++slashes;
        if (slashes % 2 == 0) return i;
      }
      --i;
    }
    return 0;
  }
  std::size_t number_start() const {
    // The lexer reads one character past a number unless the text ends.
    std::size_t end = consumed_;
    if (end > 0 && !is_number_char(text_[end - 1])) --end;
    while (end > 0 && is_number_char(text_[end - 1])) --end;
    return end;
  }
  std::size_t literal_start() const {
    std::size_t i = consumed_;
    while (i > 0 && std::isalpha(static_cast<unsigned char>(text_[i - 1]))) --i;
    return i;
  }

  std::string next_pointer() const {
    if (stack_.empty()) return "";
    const Frame& f = stack_.back();
    return f.value->is_array() ? JsonDocument::child(f.pointer, f.value->size()) : JsonDocument::child(f.pointer, f.key);
  }
  json* place(json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& parent = *stack_.back().value;
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    json& slot = parent[stack_.back().key];
    slot = std::move(v);
    return &slot;
  }
  // Stops the parse with `message` at the current position.
  bool fail(std::string message) {
    error_ = std::move(message);
    error_at_ = consumed_ ? consumed_ - 1 : 0;
    return false;
  }
  bool remember(std::unordered_map<std::string, std::size_t>& at, std::string pointer, std::size_t position) {
    pointer_bytes_ += pointer.size();
    if (pointer_bytes_ > kMaxPointerBytes) return fail("too many values, too deeply placed, to check");
    at[std::move(pointer)] = position;
    return true;
  }
  bool add(json v, std::size_t start) {
    if (!remember(value_at_, next_pointer(), start)) return false;
    place(std::move(v));
    return true;
  }
  bool open(json container) {
    if (stack_.size() >= kMaxDepth) return fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    std::string pointer = next_pointer();
    if (!remember(value_at_, pointer, consumed_ ? consumed_ - 1 : 0)) return false;
    json* slot = place(std::move(container));
    stack_.push_back({slot, std::move(pointer), {}});
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  std::string_view text_;
  const std::size_t& consumed_;
  json& root_;
  std::unordered_map<std::string, std::size_t>& value_at_;
  std::unordered_map<std::string, std::size_t>& key_at_;
  std::vector<Frame> stack_;
  std::string error_, duplicate_;
  std::size_t error_at_ = 0, duplicate_at_ = 0;
  std::size_t pointer_bytes_ = 0;  // kept in value_at_ and key_at_
};

}  // namespace

Result<JsonDocument> JsonDocument::parse(std::string name, std::string_view text) {
  JsonDocument doc;
  doc.name_ = std::move(name);
  doc.line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') doc.line_starts_.push_back(i + 1);

  std::size_t consumed = 0;
  PositionSax sax(text, consumed, doc.root_, doc.value_at_, doc.key_at_);
  CountingIterator first{text.data(), text.data(), &consumed};
  CountingIterator last{text.data() + text.size(), text.data(), &consumed};
  bool ok = json::sax_parse(first, last, &sax);
  if (!ok) return Status::error(Code::invalid, doc.at(sax.error_at()) + ": " + sax.error());
  if (!sax.duplicate().empty())
    return Status::error(Code::invalid, doc.at(sax.duplicate_at()) + ": duplicate key \"" + sax.duplicate() + "\"");
  return doc;
}

std::string JsonDocument::at(std::size_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  std::size_t line = static_cast<std::size_t>(it - line_starts_.begin());
  std::size_t column = offset - line_starts_[line - 1] + 1;
  return name_ + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string JsonDocument::where(const std::string& pointer) const {
  for (std::string p = pointer;; p = p.substr(0, p.rfind('/'))) {
    if (auto it = value_at_.find(p); it != value_at_.end()) return at(it->second);
    if (p.empty()) return name_;
  }
}

std::string JsonDocument::where_key(const std::string& pointer) const {
  if (auto it = key_at_.find(pointer); it != key_at_.end()) return at(it->second);
  return where(pointer);
}

std::string JsonDocument::child(const std::string& pointer, std::string_view token) {
  std::string out = pointer + "/";
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string JsonDocument::child(const std::string& pointer, std::size_t index) {
  return pointer + "/" + std::to_string(index);
}

}  // namespace scarlet
