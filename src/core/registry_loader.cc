#include "scarlet/registry_loader.h"

#include "scarlet/dispatcher.h"

namespace scarlet {

Result<std::shared_ptr<const Registry>> load_registry(const std::string& main_path, const HostAbi& host,
                                                      const std::vector<NativeSample>& extra_samples) {
  auto files = read_registry_files(main_path);
  if (!files.ok()) return files.status();
  RegistryChecks checks{builtin_formats(host), host.formats(), native_samples(host)};
  checks.native_samples.insert(checks.native_samples.end(), extra_samples.begin(), extra_samples.end());
  auto reg = Registry::parse(*files, checks);
  if (!reg.ok()) return reg.status();
  return std::make_shared<const Registry>(std::move(reg).value());
}

}  // namespace scarlet
