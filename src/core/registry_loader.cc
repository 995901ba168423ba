#include "scarlet/registry_loader.h"

#include <nlohmann/json.hpp>

#include "scarlet/dispatcher.h"
#include "scarlet/text_file.h"

namespace scarlet {

Result<std::shared_ptr<const Registry>> parse_registry_for(const std::vector<RegistryFile>& files, const HostAbi& host,
                                                           const std::vector<NativeSample>& extra_samples) {
  RegistryChecks checks{builtin_formats(host), host.formats(), native_samples(host)};
  checks.native_samples.insert(checks.native_samples.end(), extra_samples.begin(), extra_samples.end());
  auto reg = Registry::parse(files, checks);
  if (!reg.ok()) return reg.status();
  return std::make_shared<const Registry>(std::move(reg).value());
}

Result<std::shared_ptr<const Registry>> load_registry(const std::string& main_path, const HostAbi& host,
                                                      const std::vector<NativeSample>& extra_samples) {
  auto files = read_registry_files(main_path);
  if (!files.ok()) return files.status();
  auto samples = host_program_samples();
  samples.insert(samples.end(), extra_samples.begin(), extra_samples.end());
  return parse_registry_for(*files, host, samples);
}

std::string registry_snapshot(const std::vector<RegistryFile>& files) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : files) list.push_back({{"path", f.path}, {"text", f.text}});
  return nlohmann::json{{"version", 1}, {"files", list}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::vector<RegistryFile>> read_registry_snapshot(const std::string& path) {
  auto text = read_text_file(path, 16 << 20, "16 MiB");
  if (!text.ok()) return text.status();
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object() || j.value("version", 0) != 1 || !j.contains("files") || !j["files"].is_array())
    return Result<std::vector<RegistryFile>>(Code::invalid, path + ": not a registry snapshot");
  std::vector<RegistryFile> files;
  for (const auto& f : j["files"]) {
    if (!f.is_object() || !f.contains("path") || !f["path"].is_string() || !f.contains("text") || !f["text"].is_string())
      return Result<std::vector<RegistryFile>>(Code::invalid, path + ": not a registry snapshot");
    files.push_back({f["path"].get<std::string>(), f["text"].get<std::string>()});
  }
  return files;
}

}  // namespace scarlet
