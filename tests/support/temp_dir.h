// TempDir: a scratch directory removed (with its contents) when the test ends,
// even if an assertion fails. Created root-owned and 0755 under /tmp, so files
// in it can serve as trusted runtimes when the tests run as root.
#pragma once

#include <string>

namespace scarlet::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `contents` to path()/name (creating directories) with `mode`.
  std::string write(const std::string& name, const std::string& contents, unsigned mode = 0644) const;

 private:
  std::string path_;
};

// The contents of a file, or "" if it cannot be read.
std::string read_file(const std::string& path);

}  // namespace scarlet::test
