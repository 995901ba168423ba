// Loading the registry for this host: read the files, then parse and validate
// them against the built-in formats and the host's native executables.
// Thread-safety: pure apart from reading the files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "scarlet/host_abi.h"
#include "scarlet/native_samples.h"
#include "scarlet/registry.h"

namespace scarlet {

// `extra_samples`: heads of further files that no entry may match (the shim,
// the configured runtimes), on top of the synthetic native headers.
Result<std::shared_ptr<const Registry>> load_registry(const std::string& main_path, const HostAbi& host,
                                                      const std::vector<NativeSample>& extra_samples = {});

}  // namespace scarlet
