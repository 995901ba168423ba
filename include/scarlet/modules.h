// The built-in format modules (listed in modules.def) and their factories.
#pragma once

#include "scarlet/abi_module.h"

namespace scarlet {

#define SCARLET_MODULE(name) std::unique_ptr<AbiModule> make_##name##_module(const ModuleContext& context);
#include "scarlet/modules.def"
#undef SCARLET_MODULE

// Every module, in dispatch order.
ModuleList make_modules(const ModuleContext& context);

}  // namespace scarlet
