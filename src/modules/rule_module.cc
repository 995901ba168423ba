// Formats an admin defines in the registry without C++: "rule:<name>",
// recognized by magic bytes (under a mask, at an offset) and/or extension.
#include "scarlet/abi_module.h"

namespace scarlet {
namespace {

class RuleModule final : public AbiModule {
 public:
  explicit RuleModule(std::vector<Rule> rules) : rules_(std::move(rules)) {}
  std::string_view name() const override { return "rule"; }
  std::vector<std::string> formats() const override {
    std::vector<std::string> out;
    for (const auto& r : rules_) out.push_back("rule:" + r.name);
    return out;
  }

  Sniff get_runtime_config(const FileView& file, std::string_view path) const override {
    for (const auto& r : rules_) {
      if (!r.match.matches(file.head(), path)) continue;
      Detection d;
      d.format = "rule:" + r.name;
      d.facts.push_back({"rule", r.name});
      if (!r.match.magic.empty()) d.facts.push_back({"magic_offset", std::to_string(r.match.offset)});
      if (!r.match.extension.empty()) d.facts.push_back({"extension", r.match.extension});
      return std::optional<Detection>(std::move(d));
    }
    return not_mine();
  }

 private:
  std::vector<Rule> rules_;
};

}  // namespace

std::unique_ptr<AbiModule> make_rule_module(const ModuleContext& context) {
  return std::make_unique<RuleModule>(context.rules);
}

}  // namespace scarlet
