#include "scarlet/modules.h"

namespace scarlet {

ModuleList make_modules(const ModuleContext& context) {
  ModuleList modules;
#define SCARLET_MODULE(name) modules.push_back(make_##name##_module(context));
#include "scarlet/modules.def"
#undef SCARLET_MODULE
  return modules;
}

}  // namespace scarlet
