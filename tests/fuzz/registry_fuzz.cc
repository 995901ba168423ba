// libFuzzer target for the registry parser: arbitrary text as one registry file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scarlet/dispatcher.h"
#include "scarlet/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const scarlet::HostAbi host({"elf:x86_64", "elf:i386"});
  static const scarlet::RegistryChecks checks{scarlet::builtin_formats(host), host.formats(),
                                              scarlet::native_samples(host)};
  scarlet::RegistryFile file{"fuzz.json", std::string(reinterpret_cast<const char*>(data), size)};
  auto r = scarlet::Registry::parse(std::span(&file, 1), checks);
  if (r.ok()) {
    volatile std::size_t n = r->formats().size() + r->rules().size();
    (void)n;
  }
  return 0;
}
