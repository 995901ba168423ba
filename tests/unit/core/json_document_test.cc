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
