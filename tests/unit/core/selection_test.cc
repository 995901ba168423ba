#include "scarlet/selection.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "scarlet/unique_fd.h"
#include "support/temp_dir.h"

using namespace scarlet;
using namespace scarlet::test;

TEST_CASE("selection: conditions compare text exactly, any of a list, and numbers by their first number", "[selection]") {
  Detection d{"pyc:3.11", "pyc", {{"python", "3.11"}}, {{"java", "17"}}};
  auto out = judge_conditions({{"python", {"3.11"}, {}, {}},
                               {"python", {"3.1"}, {}, {}},
                               {"python", {"3.12", "3.11"}, {}, {}},
                               {"python", {}, 3, 3},
                               {"java", {}, 8, {}},
                               {"java", {}, {}, 11},
                               {"pe", {"PE32"}, {}, {}}},
                              d);
  REQUIRE(out.size() == 7);
  CHECK(out[0].held);
  CHECK_FALSE(out[1].held);
  CHECK(out[1].text == "python is 3.1, but the program's is 3.11");
  CHECK(out[2].held);
  CHECK(out[2].text == "python is 3.12 or 3.11");
  CHECK(out[3].held);
  CHECK(out[3].text == "python at least 3, at most 3");
  CHECK(out[4].held);  // a variable, not only a fact
  CHECK_FALSE(out[5].held);
  CHECK(out[6].text == "pe is PE32, but the program has no pe");
  CHECK_FALSE(all_held(out));
  CHECK(all_held({out[0], out[2]}));
  CHECK(all_held({}));
}

TEST_CASE("selection: globs name paths as the shell does, '*' within one directory", "[selection]") {
  CHECK(is_glob("/usr/lib/jvm/*/bin/java"));
  CHECK(is_glob("/x/[ab]"));
  CHECK_FALSE(is_glob("/usr/bin/java"));
  CHECK(glob_names("/games/*.exe", "/games/old.exe"));
  CHECK_FALSE(glob_names("/games/*.exe", "/games/sub/old.exe"));
  CHECK(glob_names("/games/*/*.exe", "/games/sub/old.exe"));
  CHECK(glob_names("/usr/bin/java", "/usr/bin/java"));
  CHECK_FALSE(glob_names("/usr/bin/java", "/usr/bin/javac"));
}

TEST_CASE("selection: discovery lists what a glob matches, in name order, and a plain path is itself", "[selection]") {
  TempDir dir;
  dir.write("jvm/b/bin/java", "", 0755);
  dir.write("jvm/a/bin/java", "", 0755);
  dir.write("jvm/c/bin/other", "", 0755);
  CHECK(discover(dir.path() + "/jvm/*/bin/java") ==
        std::vector<std::string>{dir.path() + "/jvm/a/bin/java", dir.path() + "/jvm/b/bin/java"});
  CHECK(discover(dir.path() + "/none/*").empty());
  CHECK(discover("/usr/bin/absent") == std::vector<std::string>{"/usr/bin/absent"});
}

TEST_CASE("selection: the program's path is its open file's, else an absolute given path", "[selection]") {
  TempDir dir;
  std::string file = dir.write("games/old.exe", "MZ", 0755);
  REQUIRE(::symlink(file.c_str(), (dir.path() + "/link.exe").c_str()) == 0);
  UniqueFd fd(::open((dir.path() + "/link.exe").c_str(), O_RDONLY | O_CLOEXEC));
  REQUIRE(fd);
  CHECK(program_path(fd.get(), "./link.exe") == file);
  CHECK(program_path(-1, "/given/path") == "/given/path");
  CHECK(program_path(-1, "relative/path").empty());
  REQUIRE(::unlink(file.c_str()) == 0);
  CHECK(program_path(fd.get(), "/x").empty());  // deleted: names nothing now
}
