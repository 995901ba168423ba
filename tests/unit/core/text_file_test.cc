#include "scarlet/text_file.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <future>

#include "scarlet/unique_fd.h"

#include "support/temp_dir.h"

using namespace scarlet;
using scarlet::test::TempDir;

TEST_CASE("text_file: the whole file, up to the cap and not a byte more", "[text_file]") {
  TempDir dir;
  const std::string big(40000, 'x');  // several read chunks
  auto path = dir.write("big", big);
  auto whole = read_text_file(path, big.size(), "the cap");
  REQUIRE(whole.ok());
  CHECK(*whole == big);

  auto over = read_text_file(path, big.size() - 1, "the cap");
  REQUIRE_FALSE(over.ok());
  CHECK(over.status().code() == Code::invalid);
  CHECK(over.status().message() == path + ": larger than the cap");

  auto empty = read_text_file(dir.write("empty", ""), 10, "10 bytes");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("text_file: missing files and directories are errors with the path", "[text_file]") {
  TempDir dir;
  auto missing = read_text_file(dir.path() + "/nope", 10, "10 bytes");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Code::not_found);
  CHECK(missing.status().message().starts_with(dir.path() + "/nope: "));
  auto directory = read_text_file(dir.path(), 10, "10 bytes");
  CHECK_FALSE(directory.ok());
}

TEST_CASE("text_file: a FIFO is refused without waiting for a writer (issue 11, finding 8)", "[text_file]") {
  TempDir dir;
  const std::string fifo = dir.path() + "/fifo.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  auto reading = std::async(std::launch::async, [&] { return read_text_file(fifo, 10, "10 bytes"); });
  const bool returned = reading.wait_for(std::chrono::seconds(2)) == std::future_status::ready;
  // Old code blocks in open(): a writer coming and going lets it return.
  if (!returned) UniqueFd(::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  auto r = reading.get();
  CHECK(returned);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == fifo + ": not a regular file");
}
