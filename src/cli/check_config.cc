// `scarlet-dispatch check-config [FILE]`
#include <iostream>

#include "commands.h"
#include "scarlet/registry_loader.h"

namespace scarlet::cli {

int run_check_config(const Options& global, const CheckConfigOptions& o) {
  const std::string& path = o.file.empty() ? global.registry : o.file;
  auto registry = load_registry(path, HostAbi::detect());
  if (!registry.ok()) {
    std::cerr << registry.status().message() << "\n";
    return 1;
  }
  const Registry& r = **registry;
  for (const auto& w : r.warnings()) std::cerr << "warning: " << w << "\n";
  std::cout << path << ": ok: " << r.formats().size() << " formats, " << r.rules().size() << " rules, from "
            << r.sources().size() << (r.sources().size() == 1 ? " file" : " files") << "\n";
  return 0;
}

}  // namespace scarlet::cli
