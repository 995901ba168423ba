#include "scarlet/resource_control.h"

#include <algorithm>

namespace scarlet {
namespace {

template <typename T>
std::optional<T> lower(const std::optional<T>& a, const std::optional<T>& b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

std::string size_text(std::uint64_t n) {
  if (n == ResourceControl::kUnlimited) return "unlimited";
  constexpr const char* kSuffix = "KMGT";
  int unit = -1;
  while (unit < 3 && n >= 1024 && n % 1024 == 0) {
    n /= 1024;
    ++unit;
  }
  return std::to_string(n) + (unit >= 0 ? std::string(1, kSuffix[unit]) : "");
}

}  // namespace

ResourceControl overridden(const ResourceControl& base, const ResourceControl& over) {
  ResourceControl out = base;
  if (over.memory) out.memory = over.memory;
  if (over.tasks) out.tasks = over.tasks;
  if (over.cpu_quota) out.cpu_quota = over.cpu_quota;
  if (over.cpu_weight) out.cpu_weight = over.cpu_weight;
  return out;
}

ResourceControl stricter(const ResourceControl& a, const ResourceControl& b) {
  return {lower(a.memory, b.memory), lower(a.tasks, b.tasks), lower(a.cpu_quota, b.cpu_quota), lower(a.cpu_weight, b.cpu_weight)};
}

std::string describe(const ResourceControl& rc) {
  std::string out;
  auto add = [&](const std::string& item) { out += (out.empty() ? "" : " ") + item; };
  if (rc.memory) add("memory=" + size_text(*rc.memory));
  if (rc.tasks) add("tasks=" + (*rc.tasks == ResourceControl::kUnlimited ? std::string("unlimited") : std::to_string(*rc.tasks)));
  if (rc.cpu_quota) add("cpu_quota=" + std::to_string(*rc.cpu_quota) + "%");
  if (rc.cpu_weight) add("cpu_weight=" + std::to_string(*rc.cpu_weight));
  return out;
}

}  // namespace scarlet
