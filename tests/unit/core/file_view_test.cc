#include "scarlet/file_view.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "scarlet/unique_fd.h"
#include "support/temp_dir.h"

using namespace scarlet;
using namespace scarlet::test;

TEST_CASE("file_view: the head is the first 4 KiB, and reads stop at the end", "[file_view]") {
  std::string data(10000, 'x');
  data[0] = 'A';
  data[9999] = 'Z';
  FileView v = FileView::over_bytes(data);
  CHECK(v.size() == 10000);
  CHECK(v.head().size() == FileView::kHeadSize);
  CHECK(v.head()[0] == 'A');
  auto tail = v.read(9990, 100);
  REQUIRE(tail.ok());
  CHECK(tail->size() == 10);
  CHECK(tail->back() == 'Z');
  CHECK(v.read(20000, 10)->empty());
}

TEST_CASE("file_view: reads are capped one by one and in total", "[file_view]") {
  FileView v = FileView::over_bytes(std::string(FileView::kMaxRead + 10, 'x'));
  CHECK_FALSE(v.read(0, FileView::kMaxRead + 1).ok());
  std::size_t reads = 0;
  while (v.read(0, FileView::kMaxRead).ok()) ++reads;
  CHECK(reads == FileView::kReadBudget / FileView::kMaxRead - 1);  // the head counted too
}

TEST_CASE("file_view: over an fd it reads with pread and records the identity", "[file_view]") {
  TempDir dir;
  std::string path = dir.write("f", "hello world");
  UniqueFd fd(::open(path.c_str(), O_RDONLY));
  REQUIRE(fd);
  ::lseek(fd.get(), 3, SEEK_SET);  // the view does not depend on the file offset
  auto v = FileView::over_fd(fd.get());
  REQUIRE(v.ok());
  CHECK(v->size() == 11);
  CHECK(std::string(v->head().begin(), v->head().end()) == "hello world");
  auto part = v->read(6, 5);
  CHECK(std::string(part->begin(), part->end()) == "world");
  CHECK(v->identity().ino != 0);
  CHECK(v->fd() == fd.get());
}

TEST_CASE("file_view: only regular files", "[file_view]") {
  UniqueFd fd(::open("/tmp", O_RDONLY | O_DIRECTORY));
  auto v = FileView::over_fd(fd.get());
  REQUIRE_FALSE(v.ok());
  CHECK(v.status().message() == "not a regular file");
  CHECK_FALSE(FileView::over_fd(-1).ok());
}
