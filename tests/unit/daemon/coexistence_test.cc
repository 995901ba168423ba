#include "daemon/coexistence.h"

#include <catch2/catch.hpp>

using namespace scarlet;
using namespace scarlet::binfmt;

namespace {
const Entry kOursAarch64{"scarlet-elf-aarch64", true, "/shim", "POF", {"\x7f" "ELF\x02\x01\x01", "", 0, ""}};
const Entry kOursMz{"scarlet-msdos", true, "/shim", "POF", {"MZ", "", 0, ""}};
const Entry kQemu{"qemu-aarch64", true, "/usr/bin/qemu-aarch64-static", "F", {"\x7f" "ELF\x02\x01\x01", "", 0, ""}};
const Entry kWsl{"WSLInterop", true, "/init", "PF", {"MZ", "", 0, ""}};
}  // namespace

TEST_CASE("coexistence: with precedence ours, entries registered after ours are overtaken", "[coexistence]") {
  std::vector<Entry> planned = {kOursAarch64, kOursMz};
  // qemu-aarch64 was there when ours were registered: nothing to do.
  auto c = reconcile(planned, {kQemu, kOursAarch64, kOursMz}, {kQemu}, Precedence::ours);
  CHECK(c.wanted.size() == 2);
  CHECK(c.reregister.empty());
  // It appeared (or changed) since: ours go again, after it.
  c = reconcile(planned, {kQemu, kOursAarch64, kOursMz}, {}, Precedence::ours);
  CHECK(c.reregister == std::vector<std::string>{"scarlet-elf-aarch64"});
  Entry changed = kQemu;
  changed.interpreter = "/usr/libexec/qemu-binfmt/aarch64-binfmt-P";
  c = reconcile(planned, {changed, kOursAarch64, kOursMz}, {kQemu}, Precedence::ours);
  CHECK(c.reregister == std::vector<std::string>{"scarlet-elf-aarch64"});
  // Ours missing altogether is the plain sync's job, not a re-registration.
  c = reconcile(planned, {kQemu}, {}, Precedence::ours);
  CHECK(c.reregister.empty());
  CHECK(c.wanted.size() == 2);
}

TEST_CASE("coexistence: with precedence theirs, ours stand back while theirs exist", "[coexistence]") {
  auto c = reconcile({kOursAarch64, kOursMz}, {kWsl, kOursAarch64, kOursMz}, {}, Precedence::theirs);
  REQUIRE(c.wanted.size() == 1);
  CHECK(c.wanted[0].name == "scarlet-elf-aarch64");
  REQUIRE(c.yielded.size() == 1);
  CHECK(c.yielded[0].ours == "scarlet-msdos");
  CHECK(c.yielded[0].theirs == "WSLInterop");
  Entry disabled = kWsl;
  disabled.enabled = false;  // a disabled entry matches nothing
  CHECK(reconcile({kOursMz}, {disabled}, {}, Precedence::theirs).wanted.size() == 1);
}
