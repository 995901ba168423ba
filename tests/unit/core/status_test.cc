#include "scarlet/status.h"

#include <cerrno>

#include <catch2/catch.hpp>

using namespace scarlet;

TEST_CASE("status: errno becomes a status in one place", "[status]") {
  CHECK(Status::from_errno(ENOENT, "open x").code() == Code::not_found);
  CHECK(Status::from_errno(ENOENT, "open x").message() == "open x: No such file or directory");
  CHECK(Status::from_errno(EACCES, "x").code() == Code::refused);
  CHECK(Status::from_errno(EIO, "x").code() == Code::io);
}

TEST_CASE("status: exit codes follow the shell: 127 not found, 126 cannot run", "[status]") {
  CHECK(exit_code_for(Status()) == 0);
  CHECK(exit_code_for(Status::error(Code::not_found, "")) == 127);
  for (Code c : {Code::invalid, Code::refused, Code::unsupported, Code::io}) CHECK(exit_code_for(Status::error(c, "")) == 126);
}

TEST_CASE("status: results hold a value or an error, and wrap keeps the code", "[status]") {
  Result<int> ok = 5;
  REQUIRE(ok.ok());
  CHECK(*ok == 5);
  CHECK(ok.status().ok());
  Result<int> bad(Code::invalid, "nope");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().wrap("reading x").message() == "reading x: nope");
  CHECK(bad.status().wrap("reading x").code() == Code::invalid);
  CHECK(Status().wrap("x").ok());
}
