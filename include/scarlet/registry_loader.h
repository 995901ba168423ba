// Loading the registry for this host: read the files, then parse and validate
// them against the built-in formats and the host's native executables.
//
// The daemon also writes the texts it loaded as one snapshot into its run
// directory; the shim, deciding on its own while the daemon is away, parses
// that snapshot, so both use exactly the registry in force, never a
// half-edited file in /etc.
// Thread-safety: pure apart from reading the files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "scarlet/host_abi.h"
#include "scarlet/native_samples.h"
#include "scarlet/registry.h"

namespace scarlet {

// Parses `files` for `host`. `extra_samples`: heads of further files that no
// entry may match, on top of the synthetic native headers.
Result<std::shared_ptr<const Registry>> parse_registry_for(const std::vector<RegistryFile>& files, const HostAbi& host,
                                                           const std::vector<NativeSample>& extra_samples = {});
// read_registry_files + parse_registry_for, with this host's own programs
// (host_program_samples) among the samples. `host` must be this host.
Result<std::shared_ptr<const Registry>> load_registry(const std::string& main_path, const HostAbi& host,
                                                      const std::vector<NativeSample>& extra_samples = {});

std::string registry_snapshot(const std::vector<RegistryFile>& files);
Result<std::vector<RegistryFile>> read_registry_snapshot(const std::string& path);

}  // namespace scarlet
