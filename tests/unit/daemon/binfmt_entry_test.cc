#include "daemon/binfmt_entry.h"

#include <catch2/catch.hpp>

#include "scarlet/dispatcher.h"

using namespace scarlet;
using namespace scarlet::binfmt;

TEST_CASE("binfmt_entry: register lines escape every magic byte", "[binfmt]") {
  Entry e{"scarlet-elf-aarch64", true, "/usr/libexec/scarlet-dispatch/scarlet-shim", "POF", {"\x7f" "ELF:", "\xff\xff\xff\xff\xff", 0, ""}};
  CHECK(*register_line(e) ==
        ":scarlet-elf-aarch64:M:0:\\x7f\\x45\\x4c\\x46\\x3a:\\xff\\xff\\xff\\xff\\xff:/usr/libexec/scarlet-dispatch/scarlet-shim:POF");
  Entry ext{"scarlet-msdos-2", true, "/shim", "PF", {"", "", 0, "com"}};
  CHECK(*register_line(ext) == ":scarlet-msdos-2:E::com::/shim:PF");
}

TEST_CASE("binfmt_entry: lines the kernel would refuse are errors", "[binfmt]") {
  Entry e{"scarlet-x", true, "/shim", "POF", {"AB", "", 0, ""}};
  Entry bad = e;
  bad.name = "a/b";
  CHECK_FALSE(register_line(bad).ok());
  bad = e;
  bad.interpreter = "/with:colon";
  CHECK_FALSE(register_line(bad).ok());
  bad = e;
  bad.match.offset = 255;
  CHECK(register_line(bad).status().message() == "magic beyond the first 256 bytes");
  bad = e;
  bad.interpreter = "/" + std::string(2000, 'x');
  CHECK(register_line(bad).status().message() == "register line longer than the kernel's 1920 bytes");
}

TEST_CASE("binfmt_entry: entry files as the kernel writes them", "[binfmt]") {
  auto e = parse_entry("qemu-aarch64", "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POCF\noffset 0\n"
                                       "magic 7f454c460201010000000000000000000200b700\n"
                                       "mask ffffffffffffff00fffffffffffffffffeffffff\n");
  REQUIRE(e.ok());
  CHECK(e->enabled);
  CHECK(e->flags == "POCF");
  CHECK(e->match.magic.size() == 20);
  CHECK(e->match.mask[7] == '\0');
  auto ext = parse_entry("scarlet-msdos-2", "disabled\ninterpreter /shim\nflags: \nextension .com\n");
  REQUIRE(ext.ok());
  CHECK_FALSE(ext->enabled);
  CHECK(ext->match.extension == "com");
  CHECK_FALSE(parse_entry("x", "garbage").ok());
  CHECK_FALSE(parse_entry("x", "enabled\ninterpreter /x\nmagic 7g\n").ok());
}

TEST_CASE("binfmt_entry: the kernel's view is compared after normalizing", "[binfmt]") {
  Entry wanted{"scarlet-x", true, "/shim", "PCF", {"\xff\x41", "\x0f\xff", 0, ""}};
  Entry shown = wanted;
  shown.flags = "POCF";  // C implies O
  shown.match.magic = "\x0f\x41";  // stored under the mask
  shown.enabled = false;  // someone disabled it: still the same registration
  CHECK(same_registration(wanted, shown));
  shown.interpreter = "/other";
  CHECK_FALSE(same_registration(wanted, shown));
}

TEST_CASE("binfmt_entry: one entry per kernel match of every enabled foreign format", "[binfmt]") {
  HostAbi host({"elf:x86_64"});
  RegistryFile f{"r.json", R"({"version": 1, "rules": [{"name": "grab", "magic": "GRAB"}, {"name": "ok", "magic": "OKAY"}],
    "formats": {
      "msdos": {"binfmt": [{"magic": "MZ"}, {"extension": "com"}], "runtimes": []},
      "elf:x86_64": {"binfmt": {"magic": "\\x7fELF\\x02\\x01"}, "runtimes": []},
      "jar": {"enabled": false, "binfmt": {"magic": "PK\\x03\\x04"}, "runtimes": []},
      "rule:grab": {"runtimes": []}, "rule:ok": {"flags": "PC", "runtimes": []}}})"};
  auto reg = Registry::parse(std::span(&f, 1), {builtin_formats(host), host.formats(), {}});
  REQUIRE(reg.ok());
  Dispatcher dispatcher(std::make_shared<const Registry>(*reg), host, TrustPolicy{});
  Plan p = plan_entries(*reg, host.formats(), plan_routes(dispatcher, host.formats(), "/shim", TrustPolicy{}),
                        {{"a program", "GRAB and more"}});
  REQUIRE(p.entries.size() == 3);
  CHECK(p.entries[0].entry.name == "scarlet-msdos");
  CHECK(p.entries[1].entry.name == "scarlet-msdos-2");
  CHECK(p.entries[1].entry.match.extension == "com");
  CHECK(p.entries[2].entry.name == "scarlet-rule.ok");
  CHECK(p.entries[2].entry.flags == "POC");  // as the kernel will show it
  REQUIRE(p.refused.size() == 1);
  CHECK(p.refused[0].name == "scarlet-rule.grab");
  CHECK(p.refused[0].reason == "its magic matches a program");
  CHECK(p.idle == std::vector<std::string>{"elf:x86_64", "jar"});
}
