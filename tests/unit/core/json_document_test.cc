#include "core/json_document.h"

#include <catch2/catch.hpp>

using namespace scarlet;

TEST_CASE("json_document: positions of values and keys", "[json]") {
  std::string text = "{\n  \"a\": [1, -2.5e3, \"x\\\"y\"],\n  \"b/c\": {\"t\": true, \"n\": null}\n}";
  auto doc = JsonDocument::parse("f.json", text);
  REQUIRE(doc.ok());
  CHECK(doc->where("") == "f.json:1:1");
  CHECK(doc->where("/a") == "f.json:2:8");
  CHECK(doc->where("/a/0") == "f.json:2:9");
  CHECK(doc->where("/a/1") == "f.json:2:12");
  CHECK(doc->where("/a/2") == "f.json:2:20");
  CHECK(doc->where_key("/a") == "f.json:2:3");
  CHECK(doc->where("/b~1c/t") == "f.json:3:16");
  CHECK(doc->where("/b~1c/n") == "f.json:3:27");
  CHECK(doc->where("/b~1c/missing") == "f.json:3:10");  // falls back to the enclosing value
  CHECK(doc->root()["a"][2] == "x\"y");
  CHECK(JsonDocument::child("/x", "a/b~c") == "/x/a~1b~0c");
}

TEST_CASE("json_document: errors say where", "[json]") {
  CHECK(JsonDocument::parse("f", "{\"a\": 1,}").status().message().starts_with("f:1:9: syntax error"));
  CHECK(JsonDocument::parse("f", "[1, 2").status().message().starts_with("f:1:6: syntax error"));
  CHECK(JsonDocument::parse("f", "{\"a\": {\"b\": 1, \"b\": 2}}").status().message() == "f:1:16: duplicate key \"b\"");
}

// Found by bench/fuzz-long (fuzz_registry, out of memory): every value's
// position is kept under its JSON pointer, so 22 000 nested brackets kept
// gigabytes of pointers. Deep nesting and a runaway total are now refused.
TEST_CASE("json_document: deep nesting and runaway pointers are refused, not swallowed", "[json]") {
  std::string deep(22000, '[');
  auto r = JsonDocument::parse("f", deep);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "f:1:65: nested deeper than 64 levels");
  CHECK(JsonDocument::parse("f", std::string(64, '[') + std::string(64, ']')).ok());

  // 40 levels under a 20 000-byte key, then 2 000 values: each value's pointer
  // is over 20 KB, 40 MB in all.
  std::string wide = "{\"" + std::string(20000, 'k') + "\": " + std::string(40, '[');
  for (int i = 0; i < 2000; ++i) wide += "1,";
  wide += "1" + std::string(40, ']') + "}";
  auto w = JsonDocument::parse("f", wide);
  REQUIRE_FALSE(w.ok());
  CHECK(w.status().message().ends_with(": too many values, too deeply placed, to check"));
}
