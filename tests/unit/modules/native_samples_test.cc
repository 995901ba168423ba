#include "scarlet/native_samples.h"

#include <algorithm>

#include <catch2/catch.hpp>

#include "scarlet/modules.h"
#include "support/sniff.h"

using namespace scarlet;
using namespace scarlet::test;

TEST_CASE("native_samples: one header per native ABI, type and OSABI, recognized as native", "[samples]") {
  HostAbi host({"elf:x86_64", "elf:i386"});
  auto samples = native_samples(host);
  auto elf_count = [](const std::vector<NativeSample>& list) {
    return std::count_if(list.begin(), list.end(), [](const NativeSample& s) { return !s.what.starts_with("#!"); });
  };
  CHECK(elf_count(samples) == 2 * 2 * 2);
  auto elf = make_elf_module({host, {}});
  for (const auto& s : samples) {
    if (s.what.starts_with("#!")) continue;
    // The synthetic headers carry no program headers, so the module refuses
    // them, but only after recognizing the ABI.
    INFO(s.what);
    CHECK(format_of(*elf, s.head) == "refused: ELF file has no program headers, so it cannot be run");
  }
  CHECK(elf_count(native_samples(HostAbi({"elf:aarch64"}))) == 2 * 2);
}

TEST_CASE("native_samples: a file sample is its first 256 bytes", "[samples]") {
  auto s = file_sample("sh", "/bin/sh");
  REQUIRE(s.size() == 1);
  CHECK(s[0].head.size() == 256);
  CHECK(s[0].head.starts_with("\x7f" "ELF"));
  CHECK(file_sample("x", "/nonexistent").empty());
}
