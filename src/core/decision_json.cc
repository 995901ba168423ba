#include "scarlet/decision_json.h"

#include <sys/resource.h>

#include <nlohmann/json.hpp>

#include "scarlet/resource_fallback.h"

namespace scarlet {
namespace {

// The plan's "resources" and what stands in for them without a cgroup
// (resource_fallback.h); "applied_by" is added by whoever applies them.
nlohmann::ordered_json resources_json(const ResourceControl& rc) {
  using json = nlohmann::ordered_json;
  json out = json::object();
  if (!rc.any()) return out;
  auto amount = [](std::uint64_t v) { return v == ResourceControl::kUnlimited ? json("unlimited") : json(v); };
  json settings = json::object();
  if (rc.memory) settings["memory"] = amount(*rc.memory);
  if (rc.tasks) settings["tasks"] = amount(*rc.tasks);
  if (rc.cpu_quota) settings["cpu_quota"] = std::to_string(*rc.cpu_quota) + "%";
  if (rc.cpu_weight) settings["cpu_weight"] = *rc.cpu_weight;
  out["settings"] = settings;
  out["text"] = describe(rc);
  json fallback = json::object();
  for (const auto& l : rlimit_fallback(rc, 0))
    fallback[l.name] = l.resource == RLIMIT_NPROC ? json("the user's tasks + " + std::to_string(l.value)) : json(l.value);
  out["fallback_limits"] = fallback;
  out["not_by_rlimits"] = not_by_rlimits(rc);
  return out;
}

// How the link's runtime was selected: which rule chose it, and how each
// candidate's "when" went (selection.h).
void add_selection(nlohmann::ordered_json& link_json, const ChainLink& link) {
  using json = nlohmann::ordered_json;
  link_json["chosen_by"] = link.chosen_by.empty() ? json(nullptr) : json(link.chosen_by);
  json conditions = json::array();
  for (const auto& c : link.conditions) {
    json each = json::array();
    for (const auto& o : c.conditions) each.push_back({{"condition", o.text}, {"held", o.held}});
    conditions.push_back({{"runtime", c.path}, {"conditions", each}});
  }
  link_json["conditions"] = conditions;
}

}  // namespace

std::string decision_to_json(const std::string& file, const Decision& d, const Route* route) {
  using json = nlohmann::ordered_json;  // keys in the order written
  json out;
  out["file"] = file;
  const Detection& det = d.detection;
  out["module"] = det.module.empty() ? json(nullptr) : json(det.module);
  out["format"] = det.format.empty() ? json(nullptr) : json(det.format);
  out["native"] = det.native();
  json facts = json::object();
  for (const auto& f : det.facts) facts[f.key] = f.value;
  out["facts"] = facts;
  json chain = json::array();
  for (const auto& link : d.plan.chain) {
    json skipped = json::array();
    for (const auto& s : link.skipped) skipped.push_back({{"path", s.path}, {"reason", s.reason}});
    chain.push_back({{"format", link.format},
                     {"runtime", link.runtime.empty() ? json(nullptr) : json(link.runtime)},
                     {"runtime_file", link.runtime_file.empty() ? json(nullptr) : json(link.runtime_file)},
                     {"runtime_format", link.runtime_format.empty() ? json(nullptr) : json(link.runtime_format)},
                     {"skipped", skipped}});
    add_selection(chain.back(), link);
  }
  out["chain"] = chain;
  const bool ok = d.status.ok();
  out["runtime"] = ok && !d.plan.chain.empty() ? json(d.plan.chain.front().runtime) : json(nullptr);
  out["argv"] = ok ? json(d.plan.argv) : json(nullptr);
  json env = json::object();
  for (const auto& e : d.plan.env) env[e.name] = e.value;
  out["env"] = ok ? env : json::object();
  json limits = json::object();
  for (const auto& l : d.plan.limits)
    limits[l.name] = l.value == static_cast<std::uint64_t>(RLIM_INFINITY) ? json("unlimited") : json(l.value);
  out["limits"] = ok ? limits : json::object();
  out["resources"] = ok ? resources_json(d.plan.resources) : json::object();
  out["route"] = route ? json{{"kind", route_name(route->kind)}, {"interpreter", route->interpreter},
                              {"flags", route->flags}, {"reason", route->reason}}
                       : json(nullptr);
  out["exit_code"] = exit_code_for(d.status);
  if (!ok) out["reason"] = d.status.message();
  return out.dump(2, ' ', false, json::error_handler_t::replace);
}

const Route* route_of(const Decision& d, const std::map<std::string, Route>& routes) {
  auto it = routes.find(d.detection.format);
  return it == routes.end() ? nullptr : &it->second;
}

}  // namespace scarlet
