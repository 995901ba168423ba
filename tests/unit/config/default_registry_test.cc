// The shipped config/registry.json: valid, complete, and its kernel entries
// match exactly the programs they are meant for.
#include <catch2/catch.hpp>
#include <set>

#include "scarlet/dispatcher.h"
#include "scarlet/registry_loader.h"
#include "support/builders.h"
#include "support/qemu_targets.h"

using namespace scarlet;
using namespace scarlet::test;

namespace {

const std::string kDefault = std::string(SCARLET_SOURCE_DIR) + "/config/registry.json";

// Synthetic native headers only: the hosts here are simulated.
std::shared_ptr<const Registry> load_for(const HostAbi& host) {
  auto files = read_registry_files(kDefault);
  REQUIRE(files.ok());
  auto r = parse_registry_for(*files, host);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("default registry: valid on this host and on other hosts", "[config]") {
  auto here = load_registry(kDefault, HostAbi::detect());
  INFO(here.status().message());
  CHECK(here.ok());
  load_for(HostAbi({"elf:aarch64", "elf:arm"}));
  load_for(HostAbi({"elf:s390x"}));
}

TEST_CASE("default registry: covers every format the modules know", "[config]") {
  auto reg = load_for(HostAbi::detect());
  for (const auto& f : builtin_formats(HostAbi::detect())) {
    INFO(f);
    const FormatEntry* e = reg->find(f);
    REQUIRE(e);
    if (f != "macho") CHECK_FALSE(e->runtimes.empty());
    if (f != "macho") CHECK_FALSE(e->binfmt.empty());
  }
}

TEST_CASE("default registry: each ELF kernel entry matches its own target and no other", "[config]") {
  auto reg = load_for(HostAbi({"elf:s390x"}));
  for (const auto& t : kTargets) {
    for (std::uint16_t type : {2, 3})
      for (std::uint8_t osabi : {0, 3}) {
        ElfSpec s;
        s.machine = t.machine;
        s.elf_class = t.elf_class;
        s.data = t.data;
        s.flags = t.flags;
        s.type = type;
        s.osabi = osabi;
        std::string head = build_elf(s);
        std::set<std::string> matching;
        for (const auto& [id, entry] : reg->formats())
          for (const auto& m : entry.binfmt)
            if (m.matches_magic(as_bytes(head))) matching.insert(id);
        INFO(t.format << " type " << type << " osabi " << int(osabi));
        CHECK(matching == std::set<std::string>{t.format});
      }
  }
}

TEST_CASE("default registry: kernel entries stay within the kernel's limits", "[config]") {
  auto reg = load_for(HostAbi::detect());
  for (const auto& [id, entry] : reg->formats())
    for (const auto& m : entry.binfmt) {
      INFO(id);
      CHECK(m.offset + m.magic.size() <= MatchSpec::kKernelWindow);
      CHECK((m.mask.empty() || m.mask.size() == m.magic.size()));
      CHECK(m.magic.empty() != m.extension.empty());
    }
}
