// make-hostile: writes issue 11's hostile files (finding 5) for
// bench/hostile-load, with the builders the tests use (tests/support).
//   make-hostile jar PATH [ENTRIES]  a runnable jar whose central directory
//       lists ENTRIES (default 1 300 000) more files (61 MB for the default)
//   make-hostile elf PATH [NOTES]    a 1 MiB aarch64 ELF with NOTES (default
//       16 384) program headers, all PT_NOTE over the same notes
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "support/builders.h"

int main(int argc, char** argv) {
  if (argc < 3 || (std::string_view(argv[1]) != "jar" && std::string_view(argv[1]) != "elf")) {
    std::fputs("usage: make-hostile jar|elf PATH [COUNT]\n", stderr);
    return 2;
  }
  const bool is_jar = std::string_view(argv[1]) == "jar";
  const std::uint64_t count = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : (is_jar ? 1'300'000 : 16'384);
  const std::string bytes = is_jar ? scarlet::test::build_wide_jar(count) : scarlet::test::build_note_storm_elf(count);
  std::FILE* f = std::fopen(argv[2], "wb");
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) {
    std::perror(argv[2]);
    return 1;
  }
  return 0;
}
