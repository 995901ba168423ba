#include <catch2/catch.hpp>

#include "support/sniff.h"

using namespace scarlet;
using namespace scarlet::test;

namespace {

const std::string kPreamble("\0asm\x01\0\0\0", 8);

// An import section (id 2) importing fd_write from wasi_snapshot_preview1
// and a memory from env.
std::string with_imports() {
  std::string body;
  body += '\x02';  // two imports
  body += '\x16' + std::string("wasi_snapshot_preview1") + '\x08' + std::string("fd_write") + '\x00' + '\x00';
  body += '\x03' + std::string("env") + '\x06' + std::string("memory") + '\x02' + '\x00' + '\x01';
  std::string type_section = std::string("\x01\x04\x01\x60\x00\x00", 6);
  return kPreamble + type_section + '\x02' + static_cast<char>(body.size()) + body;
}

}  // namespace

TEST_CASE("wasm: core modules and components", "[wasm]") {
  auto m = make_wasm_module(x86_host());
  CHECK(format_of(*m, kPreamble) == "wasm");
  CHECK(format_of(*m, std::string("\0asm\x0d\0\x01\0", 8)) == "wasm-component");
  CHECK(format_of(*m, std::string("\0asm\x0a\0\x01\0", 8)) == "wasm-component");  // pre-release component versions
}

TEST_CASE("wasm: a module's imports are reported", "[wasm]") {
  auto m = make_wasm_module(x86_host());
  auto r = sniff(*m, with_imports());
  REQUIRE(r.ok());
  CHECK(*(*r)->fact("imports") == "wasi_snapshot_preview1, env");
  r = sniff(*m, kPreamble);
  CHECK(*(*r)->fact("imports") == "(none)");
}

TEST_CASE("wasm: truncated or unknown versions are refused", "[wasm]") {
  auto m = make_wasm_module(x86_host());
  CHECK(format_of(*m, std::string("\0asm\x01", 5)) == "refused: truncated WebAssembly preamble");
  CHECK(format_of(*m, std::string("\0asm\x02\0\0\0", 8)) == "refused: unknown WebAssembly version 2 (layer 0)");
  // A section running past the end is not an error here: the runtime will say so.
  std::string cut = with_imports();
  CHECK(format_of(*m, cut.substr(0, cut.size() - 5)) == "wasm");
  CHECK(format_of(*m, "asm") == "");
}
