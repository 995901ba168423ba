#include "coexistence.h"

#include <algorithm>

namespace scarlet::binfmt {

std::vector<Entry> others(const std::vector<Entry>& kernel) {
  std::vector<Entry> out;
  for (const auto& e : kernel)
    if (!is_ours(e.name) && e.enabled) out.push_back(e);
  return out;
}

Coexistence reconcile(const std::vector<Entry>& planned, const std::vector<Entry>& kernel, const std::vector<Entry>& seen,
                      Precedence precedence) {
  Coexistence c;
  const auto theirs = others(kernel);
  auto registered = [&](const std::string& name) {
    return std::any_of(kernel.begin(), kernel.end(), [&](const Entry& e) { return e.name == name; });
  };
  auto newer_than_ours = [&](const Entry& other) {
    auto before = std::find_if(seen.begin(), seen.end(), [&](const Entry& s) { return s.name == other.name; });
    return before == seen.end() || !same_registration(*before, other);
  };
  for (const auto& ours : planned) {
    std::vector<const Entry*> overlapping;
    for (const auto& t : theirs)
      if (overlaps(ours.match, t.match)) overlapping.push_back(&t);
    if (precedence == Precedence::theirs && !overlapping.empty()) {
      c.yielded.push_back({ours.name, overlapping.front()->name});
      continue;
    }
    c.wanted.push_back(ours);
    if (registered(ours.name) &&
        std::any_of(overlapping.begin(), overlapping.end(), [&](const Entry* t) { return newer_than_ours(*t); }))
      c.reregister.push_back(ours.name);
  }
  return c;
}

}  // namespace scarlet::binfmt
