#include "scarlet/registry.h"

#include <dirent.h>
#include <sys/resource.h>

#include <algorithm>
#include <optional>
#include <set>
#include <sstream>

#include "json_document.h"
#include "scarlet/arg_template.h"
#include "scarlet/text_file.h"

namespace scarlet {
namespace {

using json = nlohmann::ordered_json;
constexpr std::size_t kMaxFileSize = 1 << 20;
constexpr std::size_t kMaxNameLength = 64;

struct LimitName {
  const char* name;
  int resource;
};
constexpr LimitName kLimits[] = {
    {"as", RLIMIT_AS},         {"core", RLIMIT_CORE},       {"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},     {"fsize", RLIMIT_FSIZE},     {"memlock", RLIMIT_MEMLOCK},
    {"nofile", RLIMIT_NOFILE}, {"nproc", RLIMIT_NPROC},     {"stack", RLIMIT_STACK},
};

bool valid_env_name(std::string_view n) {
  if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
  return std::all_of(n.begin(), n.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool valid_rule_name(std::string_view n) {
  if (n.empty() || n.size() > kMaxNameLength) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// Validates one file's JSON into the registry being built, collecting errors.
class FileParser {
 public:
  FileParser(const JsonDocument& doc, const RegistryChecks& checks, std::vector<std::string>& errors)
      : doc_(doc), checks_(checks), errors_(errors) {}

  // The file's top level and its rules, merged into `rules` by name.
  void parse_rules(std::vector<Rule>& rules, Precedence& precedence) {
    const json& root = doc_.root();
    if (!object(root, "", {"version", "rules", "formats", "precedence", "pins", "comment"})) return;
    if (auto p = string(root, "", "precedence")) {
      if (*p == "ours") precedence = Precedence::ours;
      else if (*p == "theirs") precedence = Precedence::theirs;
      else fail("/precedence", "\"precedence\" is \"ours\" or \"theirs\"");
    }
    if (!root.contains("version")) fail("", "missing \"version\": 1");
    else if (!root["version"].is_number_integer() || root["version"].get<long long>() != 1)
      fail("/version", "unsupported version (this is scarlet-dispatch registry version 1)");
    if (!root.contains("rules")) return;
    const json& list = root["rules"];
    if (!list.is_array()) return fail("/rules", "\"rules\" must be an array");
    std::vector<std::string> here;  // a later file may replace a rule; one file names each once
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string p = JsonDocument::child("/rules", i);
      auto r = rule(list[i], p);
      if (!r) continue;
      if (std::find(here.begin(), here.end(), r->name) != here.end()) {
        fail(JsonDocument::child(p, "name"), "rule \"" + r->name + "\" is defined twice in this file");
        continue;
      }
      here.push_back(r->name);
      auto same = std::find_if(rules.begin(), rules.end(), [&](const Rule& x) { return x.name == r->name; });
      if (same != rules.end()) *same = std::move(*r);
      else rules.push_back(std::move(*r));
    }
  }

  // The file's formats, given every rule of every file, merged key by key
  // into those of earlier files.
  void parse_formats(const std::vector<Rule>& all_rules, std::map<std::string, FormatEntry, std::less<>>& formats) {
    const json& root = doc_.root();
    if (!root.is_object() || !root.contains("formats")) return;
    rules_ = &all_rules;
    const json& map = root["formats"];
    if (!map.is_object()) return fail("/formats", "\"formats\" must be an object keyed by format id");
    for (const auto& [id, value] : map.items()) {
      auto earlier = formats.find(id);
      if (auto f = format(id, value, JsonDocument::child("/formats", id), earlier == formats.end() ? nullptr : &earlier->second))
        formats[id] = std::move(*f);
    }
  }

 private:
  void fail(const std::string& pointer, const std::string& message) { errors_.push_back(doc_.where(pointer) + ": " + message); }
  void fail_key(const std::string& pointer, const std::string& message) {
    errors_.push_back(doc_.where_key(pointer) + ": " + message);
  }

  // Checks that `v` is an object whose keys are all in `allowed`.
  bool object(const json& v, const std::string& p, std::initializer_list<std::string_view> allowed) {
    if (!v.is_object()) {
      fail(p, "expected an object");
      return false;
    }
    for (const auto& [key, _] : v.items())
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail_key(JsonDocument::child(p, key), "unknown key \"" + key + "\" (expected one of: " + list + ")");
      }
    return true;
  }

  std::optional<std::string> string(const json& parent, const std::string& p, const char* key) {
    if (!parent.contains(key)) return std::nullopt;
    const json& v = parent[key];
    if (!v.is_string()) {
      fail(JsonDocument::child(p, key), std::string("\"") + key + "\" must be a string");
      return std::nullopt;
    }
    return v.get<std::string>();
  }

  std::optional<std::vector<std::string>> strings(const json& parent, const std::string& p, const char* key) {
    if (!parent.contains(key)) return std::nullopt;
    const json& v = parent[key];
    std::string vp = JsonDocument::child(p, key);
    if (!v.is_array() || !std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_string(); })) {
      fail(vp, std::string("\"") + key + "\" must be an array of strings");
      return std::nullopt;
    }
    return v.get<std::vector<std::string>>();
  }

  bool absolute_path(const std::string& path, const std::string& p, const char* what) {
    if (path.empty() || path[0] != '/') {
      fail(p, std::string(what) + " must be an absolute path, not \"" + path + "\"");
      return false;
    }
    if (path.find('\0') != std::string::npos) {
      fail(p, std::string(what) + " contains a NUL byte");
      return false;
    }
    return true;
  }

  // `format`: the format id this is the kernel entry of, or "" for a rule.
  std::optional<MatchSpec> match(const json& v, const std::string& p, bool kernel_entry, const std::string& format = "") {
    MatchSpec m;
    if (auto magic = string(v, p, "magic")) {
      auto bytes = decode_hex_escapes(*magic);
      if (!bytes.ok()) fail(JsonDocument::child(p, "magic"), bytes.status().message());
      else m.magic = *bytes;
      if (bytes.ok() && m.magic.empty()) fail(JsonDocument::child(p, "magic"), "\"magic\" is empty");
    }
    if (auto mask = string(v, p, "mask")) {
      auto bytes = decode_hex_escapes(*mask);
      if (!bytes.ok()) fail(JsonDocument::child(p, "mask"), bytes.status().message());
      else if (bytes->size() != m.magic.size())
        fail(JsonDocument::child(p, "mask"), "\"mask\" has " + std::to_string(bytes->size()) + " bytes but \"magic\" has " +
                                                 std::to_string(m.magic.size()) + "; they must be the same length");
      else m.mask = *bytes;
    }
    if (v.contains("offset")) {
      const json& o = v["offset"];
      if (!o.is_number_unsigned() || o.get<std::uint64_t>() >= MatchSpec::kKernelWindow)
        fail(JsonDocument::child(p, "offset"), "\"offset\" must be a whole number below 256");
      else m.offset = o.get<std::uint32_t>();
    }
    if (auto ext = string(v, p, "extension")) {
      if (ext->empty() || ext->find_first_of("/.\\:\n") != std::string::npos || ext->size() > kMaxNameLength)
        fail(JsonDocument::child(p, "extension"), "\"extension\" must be a plain extension without the dot, such as \"com\"");
      else m.extension = *ext;
    }
    if (m.magic.empty() && m.extension.empty()) {
      fail(p, "needs \"magic\" or \"extension\"");
      return std::nullopt;
    }
    if (kernel_entry && !m.magic.empty() && !m.extension.empty())
      fail(p, "a kernel entry matches by \"magic\" or by \"extension\", not both");
    if (m.offset + m.magic.size() > MatchSpec::kKernelWindow)
      fail(p, "offset plus magic length must stay within the first 256 bytes (the kernel's limit)");
    // A format the host runs itself keeps its entry for other hosts; it is
    // never registered here, so matching native programs is expected.
    const bool native_here = std::find(checks_.native_formats.begin(), checks_.native_formats.end(), format) !=
                             checks_.native_formats.end();
    if (!m.magic.empty() && !native_here)
      for (const auto& s : checks_.native_samples)
        if (m.matches_magic(as_bytes(s.head))) {
          fail(p, "this magic would match native executables (" + s.what + "); refusing it");
          break;
        }
    return m;
  }

  std::optional<Rule> rule(const json& v, const std::string& p) {
    if (!object(v, p, {"name", "magic", "mask", "offset", "extension", "comment"})) return std::nullopt;
    auto name = string(v, p, "name");
    if (!name) {
      if (!v.contains("name")) fail(p, "a rule needs a \"name\"");
      return std::nullopt;
    }
    if (!valid_rule_name(*name)) {
      fail(JsonDocument::child(p, "name"), "rule names use a-z, 0-9, '-', '_' and '.' (at most 64)");
      return std::nullopt;
    }
    auto m = match(v, p, false);
    if (!m) return std::nullopt;
    return Rule{*name, *m};
  }

  std::optional<std::vector<Limit>> limits(const json& v, const std::string& p) {
    if (!v.is_object()) {
      fail(p, "\"limits\" must be an object such as {\"nofile\": 1024, \"as\": \"4G\"}");
      return std::nullopt;
    }
    std::vector<Limit> out;
    for (const auto& item : v.items()) {
      const std::string& key = item.key();  // not a structured binding: clang 14 cannot capture those
      const json& value = item.value();
      std::string vp = JsonDocument::child(p, key);
      auto known = std::find_if(std::begin(kLimits), std::end(kLimits), [&](const LimitName& l) { return key == l.name; });
      if (known == std::end(kLimits)) {
        fail_key(vp, "unknown limit \"" + key + "\" (expected as, core, cpu, data, fsize, memlock, nofile, nproc or stack)");
        continue;
      }
      auto amount = limit_value(value);
      if (!amount.ok()) {
        fail(vp, amount.status().message());
        continue;
      }
      out.push_back({key, known->resource, *amount});
    }
    return out;
  }

  static Result<std::uint64_t> limit_value(const json& v) {
    const Result<std::uint64_t> malformed(Code::invalid, "a limit is a whole number, a size such as \"512M\", or \"unlimited\"");
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (!v.is_string()) return malformed;
    auto s = v.get<std::string>();
    if (s == "unlimited") return static_cast<std::uint64_t>(RLIM_INFINITY);
    std::uint64_t scale = 1;
    if (!s.empty()) {
      switch (s.back()) {
        case 'K': scale = 1ull << 10; break;
        case 'M': scale = 1ull << 20; break;
        case 'G': scale = 1ull << 30; break;
        case 'T': scale = 1ull << 40; break;
        default: break;
      }
      if (scale != 1) s.pop_back();
    }
    if (s.empty() || s.size() > 12 || !std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return malformed;
    // Refused rather than wrapped: "16777216T" is 2^64, which would be 0.
    // RLIM_INFINITY is spelled "unlimited", never reached by a number.
    const std::uint64_t n = std::stoull(s);
    if (n > (static_cast<std::uint64_t>(RLIM_INFINITY) - 1) / scale)
      return Result<std::uint64_t>(Code::invalid, "\"" + v.get<std::string>() + "\" is too large for a limit (at most 2^64 - 2; or \"unlimited\")");
    return n * scale;
  }

  // An object of NAME: value; `each` validates and stores one member.
  template <typename Each>
  void env_object(const json& parent, const std::string& p, const char* key, Each each) {
    if (!parent.contains(key)) return;
    const json& v = parent[key];
    std::string vp = JsonDocument::child(p, key);
    if (!v.is_object()) return fail(vp, std::string("\"") + key + "\" must be an object of NAME: value");
    for (const auto& [name, value] : v.items()) {
      std::string ep = JsonDocument::child(vp, name);
      if (!valid_env_name(name)) fail_key(ep, "\"" + name + "\" is not a valid environment variable name");
      else each(name, value, ep);
    }
  }

  std::vector<EnvVar> env(const json& parent, const std::string& p) {
    std::vector<EnvVar> out;
    env_object(parent, p, "env", [&](const std::string& name, const json& value, const std::string& ep) {
      if (!value.is_string()) fail(ep, "an environment value must be a string");
      else out.push_back({name, value.get<std::string>()});
    });
    return out;
  }

  std::vector<EnvPathChoice> env_paths(const json& parent, const std::string& p) {
    std::vector<EnvPathChoice> out;
    env_object(parent, p, "env_if_exists", [&](const std::string& name, const json& value, const std::string& ep) {
      EnvPathChoice c{name, {}};
      if (value.is_string()) c.paths.push_back(value.get<std::string>());
      else if (value.is_array() && std::all_of(value.begin(), value.end(), [](const json& e) { return e.is_string(); }))
        c.paths = value.get<std::vector<std::string>>();
      else return fail(ep, "\"env_if_exists\" values are a path or an array of paths");
      for (const auto& path : c.paths)
        if (!absolute_path(path, ep, "each path")) return;
      out.push_back(std::move(c));
    });
    return out;
  }

  bool is_format(const std::string& id) const {
    if (id.starts_with("rule:"))
      return std::any_of(rules_->begin(), rules_->end(), [&](const Rule& r) { return "rule:" + r.name == id; });
    return std::find(checks_.known_formats.begin(), checks_.known_formats.end(), id) != checks_.known_formats.end();
  }

  std::optional<RuntimeCandidate> runtime(const json& v, const std::string& p) {
    if (!object(v, p, {"path", "via", "abi", "args", "env", "env_if_exists", "limits", "direct", "version", "when", "comment", "resources"})) return std::nullopt;
    RuntimeCandidate c;
    c.where = doc_.where(p);
    auto path = string(v, p, "path");
    if (!path) {
      if (!v.contains("path")) fail(p, "a runtime needs a \"path\"");
      return std::nullopt;
    }
    if (!absolute_path(*path, JsonDocument::child(p, "path"), "a runtime path")) return std::nullopt;
    c.path = *path;
    if (auto via = string(v, p, "via"))
      if (absolute_path(*via, JsonDocument::child(p, "via"), "\"via\"")) c.via = *via;
    if (auto abi = string(v, p, "abi")) {
      if (*abi != kNativeFormat && !is_format(*abi))
        fail(JsonDocument::child(p, "abi"), "\"abi\" must be \"native\" or a format id, not \"" + *abi + "\"");
      c.abi = *abi;
    }
    c.args = {"{binary}", "{args}"};
    if (auto args = strings(v, p, "args")) {
      c.args = *args;
      for (std::size_t i = 0; i < args->size(); ++i)
        if (Status st = check_arg_template((*args)[i]); !st.ok())
          fail(JsonDocument::child(JsonDocument::child(p, "args"), i), st.message());
      if (std::count(args->begin(), args->end(), "{args}") > 1)
        fail(JsonDocument::child(p, "args"), "{args} may appear only once");
    }
    c.env = env(v, p);
    c.env_if_exists = env_paths(v, p);
    if (v.contains("limits"))
      if (auto l = limits(v["limits"], JsonDocument::child(p, "limits"))) c.limits = *l;
    if (v.contains("direct")) direct(v["direct"], JsonDocument::child(p, "direct"), c);
    if (v.contains("version")) version(v["version"], JsonDocument::child(p, "version"), c);
    if (v.contains("resources")) c.resources = resources(v["resources"], JsonDocument::child(p, "resources"));
    if (v.contains("when")) when(v["when"], JsonDocument::child(p, "when"), c);
    discovery(p, c);
    return c;
  }

  // "version": {"file": "../release", "key": "JAVA_VERSION", "at_least": "java"}
  void version(const json& v, const std::string& p, RuntimeCandidate& c) {
    if (!object(v, p, {"file", "key", "at_least", "comment"})) return;
    auto file = string(v, p, "file"), key = string(v, p, "key"), at_least = string(v, p, "at_least");
    if (!file || !key || !at_least || file->empty() || key->empty() || at_least->empty()) {
      fail(p, "\"version\" needs \"file\", \"key\" and \"at_least\", each a non-empty string");
      return;
    }
    if (file->starts_with('/')) {
      fail(JsonDocument::child(p, "file"), "a version \"file\" is relative to the runtime's directory, not \"" + *file + "\"");
      return;
    }
    c.version = {*file, *key};
    c.version_at_least = *at_least;
  }

  // "direct": {"interpreter": PATH, "sysroot": PATH}
  void direct(const json& v, const std::string& p, RuntimeCandidate& c) {
    if (!object(v, p, {"interpreter", "sysroot", "comment"})) return;
    auto interpreter = string(v, p, "interpreter");
    if (!interpreter) {
      if (!v.contains("interpreter")) fail(p, "\"direct\" needs an \"interpreter\"");
      return;
    }
    if (absolute_path(*interpreter, JsonDocument::child(p, "interpreter"), "\"interpreter\"")) c.direct = *interpreter;
    if (auto sysroot = string(v, p, "sysroot"))
      if (absolute_path(*sysroot, JsonDocument::child(p, "sysroot"), "\"sysroot\"")) c.direct_sysroot = *sysroot;
  }

  // A format entry: the keys present in `v` replace those of `base` (the
  // same format from an earlier file), the others are kept.
  std::optional<FormatEntry> format(const std::string& id, const json& v, const std::string& p, const FormatEntry* base) {
    if (!is_format(id)) {
      fail_key(p, "unknown format id \"" + id + "\"" +
                      (id.starts_with("rule:") ? " (no rule of that name is defined)" : " (see the list in docs/registry.md)"));
      return std::nullopt;
    }
    if (!object(v, p, {"description", "enabled", "flags", "binfmt", "limits", "runtimes", "direct", "install", "comment", "resources"})) return std::nullopt;
    FormatEntry f = base ? *base : FormatEntry{};
    f.id = id;
    f.where = doc_.where(p);
    if (auto d = string(v, p, "description")) f.description = *d;
    if (auto i = string(v, p, "install")) f.install = *i;
    if (v.contains("enabled")) {
      if (!v["enabled"].is_boolean()) fail(JsonDocument::child(p, "enabled"), "\"enabled\" must be true or false");
      else f.enabled = v["enabled"].get<bool>();
    }
    if (v.contains("direct")) {
      if (!v["direct"].is_boolean()) fail(JsonDocument::child(p, "direct"), "a format's \"direct\" must be true or false");
      else f.direct = v["direct"].get<bool>();
    }
    if (auto flags = string(v, p, "flags")) {
      std::set<char> seen;
      bool ok = std::all_of(flags->begin(), flags->end(), [&](char c) { return std::string_view("POCF").find(c) != std::string_view::npos && seen.insert(c).second; });
      if (!ok) fail(JsonDocument::child(p, "flags"), "\"flags\" takes each of P, O, C and F at most once");
      else f.flags = *flags;
    }
    if (v.contains("binfmt")) {
      std::string bp = JsonDocument::child(p, "binfmt");
      f.binfmt.clear();
      if (id.starts_with("rule:")) {
        fail(bp, "a rule's format takes its kernel entry from the rule; remove \"binfmt\"");
      } else {
        const json& b = v["binfmt"];
        auto one = [&](const json& e, const std::string& ep) {
          if (object(e, ep, {"magic", "mask", "offset", "extension", "comment"}))
            if (auto m = match(e, ep, true, id)) f.binfmt.push_back(*m);
        };
        if (b.is_array())
          for (std::size_t i = 0; i < b.size(); ++i) one(b[i], JsonDocument::child(bp, i));
        else
          one(b, bp);
      }
    }
    if (v.contains("limits"))
      if (auto l = limits(v["limits"], JsonDocument::child(p, "limits"))) f.limits = *l;
    if (v.contains("resources")) f.resources = resources(v["resources"], JsonDocument::child(p, "resources"));
    if (!v.contains("runtimes")) {
      if (!base) fail(p, "a format needs \"runtimes\" (an empty list if none)");
    } else if (!v["runtimes"].is_array()) {
      fail(JsonDocument::child(p, "runtimes"), "\"runtimes\" must be an array");
    } else {
      f.runtimes.clear();
      const json& list = v["runtimes"];
      for (std::size_t i = 0; i < list.size(); ++i)
        if (auto c = runtime(list[i], JsonDocument::child(JsonDocument::child(p, "runtimes"), i)))
          f.runtimes.push_back(std::move(*c));
    }
    return f;
  }

  // "resources": {"memory": "256M", "tasks": 64, "cpu_quota": "50%", "cpu_weight": 20}
  // (resource_control.h). memory and tasks take "unlimited" (a candidate
  // lifting its format's); every value is checked against what systemd takes.
  ResourceControl resources(const json& v, const std::string& p) {
    ResourceControl rc;
    if (!v.is_object()) {
      fail(p, "\"resources\" must be an object such as {\"memory\": \"256M\", \"tasks\": 64, \"cpu_quota\": \"50%\"}");
      return rc;
    }
    for (const auto& [key, value] : v.items()) {
      const std::string vp = JsonDocument::child(p, key);
      if (key == "comment") continue;
      if (key == "memory") {
        auto amount = limit_value(value);
        if (!amount.ok()) fail(vp, "\"memory\" is a size such as \"256M\" (bytes, or K, M, G, T), or \"unlimited\"");
        else if (*amount < 4096) fail(vp, "\"memory\" below 4K leaves no room for any runtime");
        else rc.memory = *amount == static_cast<std::uint64_t>(RLIM_INFINITY) ? ResourceControl::kUnlimited : *amount;
      } else if (key == "tasks") {
        if (value.is_string() && value.get<std::string>() == "unlimited") rc.tasks = ResourceControl::kUnlimited;
        else if (!value.is_number_unsigned() || value.get<std::uint64_t>() < 1 || value.get<std::uint64_t>() > (1u << 22))
          fail(vp, "\"tasks\" is a whole number from 1 to 4194304 (the kernel's pid_max at most), or \"unlimited\"");
        else rc.tasks = value.get<std::uint64_t>();
      } else if (key == "cpu_quota") {
        auto percent = cpu_quota(value);
        if (!percent) fail(vp, "\"cpu_quota\" is a percentage of one CPU from \"1%\" to \"100000%\", such as \"50%\" or \"200%\"");
        else rc.cpu_quota = *percent;
      } else if (key == "cpu_weight") {
        if (!value.is_number_unsigned() || value.get<std::uint64_t>() < 1 || value.get<std::uint64_t>() > 10000)
          fail(vp, "\"cpu_weight\" is a whole number from 1 to 10000 (systemd's CPUWeight; 100 is the default share)");
        else rc.cpu_weight = value.get<std::uint32_t>();
      } else {
        fail_key(vp, "unknown resource \"" + key + "\" (expected memory, tasks, cpu_quota or cpu_weight)");
      }
    }
    return rc;
  }

  static std::optional<std::uint32_t> cpu_quota(const json& v) {
    if (!v.is_string()) return std::nullopt;
    std::string s = v.get<std::string>();
    if (s.size() < 2 || s.size() > 7 || s.back() != '%') return std::nullopt;
    s.pop_back();
    if (s[0] == '0' || !std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return std::nullopt;
    const unsigned long n = std::stoul(s);
    if (n < 1 || n > 100000) return std::nullopt;
    return static_cast<std::uint32_t>(n);
  }

  // "when": {"pe": "PE32+", "python": ["3.11", "3.12"], "java": {"at_most": 17},
  //          "loader_in": "/usr/aarch64-linux-gnu"}
  void when(const json& v, const std::string& p, RuntimeCandidate& c) {
    if (!v.is_object()) return fail(p, "\"when\" must be an object of conditions, such as {\"pe\": \"PE32+\"}");
    for (const auto& item : v.items()) {
      const std::string& key = item.key();
      const json& value = item.value();
      const std::string cp = JsonDocument::child(p, key);
      if (key == "comment") continue;
      if (key.empty() || key.size() > kMaxNameLength ||
          !std::all_of(key.begin(), key.end(), [](char ch) { return std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) || ch == '_'; })) {
        fail_key(cp, "\"" + key + "\" is not a condition: name a fact or variable of the program (a-z, 0-9, '_'), or \"loader_in\"");
        continue;
      }
      Condition cond{key, {}, std::nullopt, std::nullopt};
      const bool loader = key == kLoaderIn;
      if (value.is_string()) cond.values = {value.get<std::string>()};
      else if (value.is_array() && !value.empty() && std::all_of(value.begin(), value.end(), [](const json& e) { return e.is_string(); }))
        cond.values = value.get<std::vector<std::string>>();
      else if (value.is_object() && !loader) {
        if (!object(value, cp, {"at_least", "at_most", "comment"})) continue;
        for (const char* bound : {"at_least", "at_most"}) {
          if (!value.contains(bound)) continue;
          if (!value[bound].is_number_integer()) {
            fail(JsonDocument::child(cp, bound), std::string("\"") + bound + "\" must be a whole number");
            continue;
          }
          (std::string_view(bound) == "at_least" ? cond.at_least : cond.at_most) = value[bound].get<long>();
        }
        if (!cond.at_least && !cond.at_most) {
          fail(cp, "a condition object needs \"at_least\" or \"at_most\"");
          continue;
        }
      } else {
        fail(cp, loader ? "\"loader_in\" is a sysroot path or an array of them"
                        : "a condition is a string, a non-empty array of strings (any of them), or {\"at_least\": N, \"at_most\": N}");
        continue;
      }
      if (loader && !std::all_of(cond.values.begin(), cond.values.end(), [&](const std::string& path) { return absolute_path(path, cp, "each sysroot"); }))
        continue;
      c.when.push_back(std::move(cond));
    }
  }

  // A runtime path with a glob stands for every file it matches (JVMs under
  // /usr/lib/jvm); only "path" may have one, and such a runtime is never the
  // kernel's direct interpreter.
  void discovery(const std::string& p, const RuntimeCandidate& c) {
    if (is_glob(c.via)) fail(JsonDocument::child(p, "via"), "\"via\" must name one file, not a glob");
    if (is_glob(c.path) && !c.direct.empty())
      fail(JsonDocument::child(p, "direct"), "a runtime whose path is a glob cannot have a \"direct\" interpreter");
  }

 public:
  // "pins": [{"path": GLOB, "format": ID, "runtime": PATH}]: this file's pins
  // go before those of earlier files (a drop-in overrides the main file).
  void parse_pins(std::vector<Pin>& pins) {
    const json& root = doc_.root();
    if (!root.is_object() || !root.contains("pins")) return;
    const json& list = root["pins"];
    if (!list.is_array()) return fail("/pins", "\"pins\" must be an array of {\"path\": GLOB, \"runtime\": PATH}");
    std::vector<Pin> here;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string p = JsonDocument::child("/pins", i);
      const json& v = list[i];
      if (!object(v, p, {"path", "format", "runtime", "comment"})) continue;
      auto path = string(v, p, "path"), runtime = string(v, p, "runtime"), format = string(v, p, "format");
      if (!path || !runtime) {
        if (!v.contains("path") || !v.contains("runtime")) fail(p, "a pin needs a \"path\" (a glob) and a \"runtime\"");
        continue;
      }
      if (!absolute_path(*path, JsonDocument::child(p, "path"), "a pin's path") ||
          !absolute_path(*runtime, JsonDocument::child(p, "runtime"), "a pin's runtime"))
        continue;
      if (format && !checks_.known_formats.empty() && !format->starts_with("rule:") &&
          std::find(checks_.known_formats.begin(), checks_.known_formats.end(), *format) == checks_.known_formats.end()) {
        fail(JsonDocument::child(p, "format"), "unknown format id \"" + *format + "\"");
        continue;
      }
      here.push_back({*path, format.value_or(""), *runtime, doc_.where(p)});
    }
    pins.insert(pins.begin(), here.begin(), here.end());
  }

 private:
  const JsonDocument& doc_;
  const RegistryChecks& checks_;
  std::vector<std::string>& errors_;
  const std::vector<Rule>* rules_ = nullptr;
};

// The same files, as binfmt_misc matches them (an empty mask is all ones).
bool same_match(const MatchSpec& a, const MatchSpec& b) {
  auto mask = [](const MatchSpec& m) { return m.mask.empty() ? std::string(m.magic.size(), '\xff') : m.mask; };
  return a.magic == b.magic && mask(a) == mask(b) && a.offset == b.offset && a.extension == b.extension;
}

// Pairs of formats whose kernel entries match the same files with different
// flags: the kernel runs the newest matching entry, with its flags, for both.
std::vector<std::string> shadowed_flags(const std::map<std::string, FormatEntry, std::less<>>& formats,
                                        const std::vector<std::string>& native) {
  auto registered = [&](const std::pair<const std::string, FormatEntry>& f) {
    return f.second.enabled && std::find(native.begin(), native.end(), f.first) == native.end();
  };
  std::vector<std::string> out;
  for (auto a = formats.begin(); a != formats.end(); ++a) {
    for (auto b = std::next(a); b != formats.end(); ++b) {
      if (!registered(*a) || !registered(*b) || a->second.flags == b->second.flags) continue;
      bool same = false;
      for (const auto& ma : a->second.binfmt)
        for (const auto& mb : b->second.binfmt) same = same || same_match(ma, mb);
      if (same)
        out.push_back(a->second.where + ": " + a->first + " (flags \"" + a->second.flags + "\") and " + b->first +
                      " (flags \"" + b->second.flags + "\") register kernel entries that match the same files; the kernel "
                      "applies one entry's flags to both, so these flags cannot all take effect (give both the same flags)");
    }
  }
  return out;
}

// A pin must name a runtime that a format it applies to has among its
// candidates (that candidate's arguments and environment are used).
void check_pins(const std::vector<Pin>& pins, const std::map<std::string, FormatEntry, std::less<>>& formats,
                std::vector<std::string>& errors) {
  for (const auto& pin : pins) {
    bool found = false;
    for (const auto& [id, f] : formats)
      if (pin.format.empty() || pin.format == id)
        for (const auto& c : f.runtimes) found = found || glob_names(c.path, pin.runtime);
    if (!found)
      errors.push_back(pin.where + ": the pinned runtime " + pin.runtime + " is not a runtime candidate of " +
                       (pin.format.empty() ? "any format" : pin.format) + " (add it to that format's \"runtimes\")");
  }
}

}  // namespace

Result<Registry> Registry::parse(std::span<const RegistryFile> files, const RegistryChecks& checks) {
  Registry reg;
  std::vector<std::string> errors;
  // Rules are collected across every file first, so that a format in one
  // file may name a rule from another.
  std::vector<JsonDocument> docs;
  for (const auto& f : files) {
    auto doc = JsonDocument::parse(f.path, f.text);
    if (!doc.ok()) {
      errors.push_back(doc.status().message());
      continue;
    }
    docs.push_back(std::move(doc).value());
    reg.sources_.push_back(f.path);
  }
  std::vector<Rule> all_rules;
  for (const auto& doc : docs) FileParser(doc, checks, errors).parse_rules(all_rules, reg.precedence_);
  for (const auto& doc : docs) FileParser(doc, checks, errors).parse_formats(all_rules, reg.formats_);
  for (const auto& doc : docs) FileParser(doc, checks, errors).parse_pins(reg.pins_);
  check_pins(reg.pins_, reg.formats_, errors);
  // A rule's format registers the rule's own match (by magic when it has
  // one: the kernel matches one way, the module checks both).
  for (auto& [format_id, f] : reg.formats_) {
    if (!format_id.starts_with("rule:")) continue;
    const std::string name = format_id.substr(5);  // a plain variable: clang 14 cannot capture bindings
    auto r = std::find_if(all_rules.begin(), all_rules.end(), [&](const Rule& x) { return x.name == name; });
    MatchSpec kernel = r->match;
    if (!kernel.magic.empty()) kernel.extension.clear();
    f.binfmt = {kernel};
  }
  if (!errors.empty()) {
    std::string all;
    for (const auto& e : errors) all += (all.empty() ? "" : "\n") + e;
    return Status::error(Code::invalid, all);
  }
  reg.rules_ = std::move(all_rules);
  reg.warnings_ = shadowed_flags(reg.formats_, checks.native_formats);
  return reg;
}

const FormatEntry* Registry::find(std::string_view id) const {
  auto it = formats_.find(id);
  return it == formats_.end() ? nullptr : &it->second;
}

std::string drop_in_dir(const std::string& main_path) {
  auto slash = main_path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : main_path.substr(0, slash);
  return (dir.empty() ? "" : dir) + "/registry.d";
}

namespace {

Result<RegistryFile> read_one(const std::string& path) {
  auto text = read_text_file(path, kMaxFileSize, "1 MiB");
  if (!text.ok()) return text.status();
  return RegistryFile{path, std::move(text).value()};
}

}  // namespace

Result<std::vector<RegistryFile>> read_registry_files(const std::string& main_path) {
  std::vector<RegistryFile> files;
  auto main = read_one(main_path);
  if (!main.ok()) return main.status();
  files.push_back(std::move(main).value());

  std::string dir = drop_in_dir(main_path);
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 5 && n.ends_with(".json") && n[0] != '.') names.push_back(n);
    }
    ::closedir(d);
  } else if (errno != ENOENT) {
    return Status::from_errno(errno, dir);
  }
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    auto f = read_one(dir + "/" + n);
    if (!f.ok()) return f.status();
    files.push_back(std::move(f).value());
  }
  return files;
}

}  // namespace scarlet
