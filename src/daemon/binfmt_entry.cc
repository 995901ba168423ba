#include "binfmt_entry.h"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace scarlet::binfmt {
namespace {

std::string entry_name(const std::string& format, std::size_t index) {
  std::string name = std::string(kPrefix) + format;
  std::replace(name.begin(), name.end(), ':', '.');
  return index == 0 ? name : name + "-" + std::to_string(index + 1);
}

Result<std::string> from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size() + (hex.size() % 2); i += 2) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + std::min(i + 2, hex.size()), v, 16);
    if (ec != std::errc() || end != hex.data() + i + 2) return Result<std::string>(Code::invalid, "bad hex \"" + hex + "\"");
    out += static_cast<char>(v);
  }
  return out;
}

}  // namespace

Entry normalized(Entry e) {
  std::string flags;
  for (char f : std::string("POCF"))
    if (e.flags.find(f) != std::string::npos || (f == 'O' && e.flags.find('C') != std::string::npos)) flags += f;
  e.flags = flags;
  for (std::size_t i = 0; i < e.match.mask.size() && i < e.match.magic.size(); ++i)
    e.match.magic[i] = static_cast<char>(e.match.magic[i] & e.match.mask[i]);
  return e;
}

bool same_registration(const Entry& a, const Entry& b) {
  Entry x = normalized(a), y = normalized(b);
  x.enabled = y.enabled;
  return x == y;
}

Result<std::string> register_line(const Entry& e) {
  if (e.name.empty() || e.name.find_first_of("/:") != std::string::npos || e.name == "." || e.name == "..")
    return Result<std::string>(Code::invalid, "bad entry name \"" + e.name + "\"");
  if (e.interpreter.empty() || e.interpreter.find(':') != std::string::npos)
    return Result<std::string>(Code::invalid, "bad interpreter path \"" + e.interpreter + "\"");
  std::string line = ":" + e.name + ":";
  if (!e.match.magic.empty()) {
    if (e.match.offset + e.match.magic.size() > MatchSpec::kKernelWindow)
      return Result<std::string>(Code::invalid, "magic beyond the first 256 bytes");
    line += "M:" + std::to_string(e.match.offset) + ":" + encode_hex_escapes(e.match.magic) + ":" +
            encode_hex_escapes(e.match.mask) + ":";
  } else {
    if (e.match.extension.empty() || e.match.extension.find_first_of("/:\\") != std::string::npos)
      return Result<std::string>(Code::invalid, "bad extension \"" + e.match.extension + "\"");
    line += "E::" + e.match.extension + "::";
  }
  line += e.interpreter + ":" + e.flags;
  if (line.size() > kMaxRegisterLine)
    return Result<std::string>(Code::invalid, "register line longer than the kernel's 1920 bytes");
  return line;
}

Result<Entry> parse_entry(const std::string& name, const std::string& text) {
  Entry e;
  e.name = name;
  std::istringstream in(text);
  std::string line;
  bool have_state = false;
  while (std::getline(in, line)) {
    if (line == "enabled" || line == "disabled") {
      e.enabled = line == "enabled";
      have_state = true;
    } else if (line.starts_with("interpreter ")) {
      e.interpreter = line.substr(12);
    } else if (line.starts_with("flags: ")) {
      e.flags = line.substr(7);
    } else if (line.starts_with("offset ")) {
      auto [end, ec] = std::from_chars(line.data() + 7, line.data() + line.size(), e.match.offset);
      if (ec != std::errc()) return Result<Entry>(Code::invalid, "bad offset in " + name);
    } else if (line.starts_with("magic ")) {
      auto m = from_hex(line.substr(6));
      if (!m.ok()) return m.status();
      e.match.magic = *m;
    } else if (line.starts_with("mask ")) {
      auto m = from_hex(line.substr(5));
      if (!m.ok()) return m.status();
      e.match.mask = *m;
    } else if (line.starts_with("extension .")) {
      e.match.extension = line.substr(11);
    }
  }
  if (!have_state || e.interpreter.empty()) return Result<Entry>(Code::invalid, "not a binfmt_misc entry: " + name);
  return e;
}

Plan plan_entries(const Registry& registry, const std::vector<std::string>& native_formats,
                  const std::map<std::string, Route>& routes, const std::vector<NativeSample>& forbidden) {
  Plan plan;
  for (const auto& [id, format] : registry.formats()) {
    if (format.binfmt.empty()) continue;
    if (!format.enabled || std::find(native_formats.begin(), native_formats.end(), id) != native_formats.end()) {
      plan.idle.push_back(id);
      continue;
    }
    for (std::size_t i = 0; i < format.binfmt.size(); ++i) {
      const Route& route = routes.at(id);
      Entry e = normalized({entry_name(id, i), true, route.interpreter, route.flags, format.binfmt[i]});
      auto hit = std::find_if(forbidden.begin(), forbidden.end(),
                              [&](const NativeSample& s) { return e.match.matches_magic(as_bytes(s.head)); });
      if (hit != forbidden.end()) {
        plan.refused.push_back({e.name, id, "its magic matches " + hit->what});
        continue;
      }
      if (auto line = register_line(e); !line.ok()) {
        plan.refused.push_back({e.name, id, line.status().message()});
        continue;
      }
      plan.entries.push_back({std::move(e), id});
    }
  }
  return plan;
}

}  // namespace scarlet::binfmt
