#include "scarlet/dispatcher.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "scarlet/arg_template.h"
#include "scarlet/modules.h"
#include "scarlet/resource_fallback.h"
#include "scarlet/runtime_version.h"
#include "scarlet/selection.h"
#include "scarlet/unique_fd.h"

namespace scarlet {
namespace {

std::string basename_of(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

void set_env(std::vector<EnvVar>& env, const EnvVar& v) {
  auto same = std::find_if(env.begin(), env.end(), [&](const EnvVar& e) { return e.name == v.name; });
  if (same != env.end()) same->value = v.value;
  else env.push_back(v);
}

// The version a candidate needs of its runtime for this program, if it
// names one and the program's module said it ({java} of a class file).
std::optional<int> required_version(const RuntimeCandidate& candidate, const Detection* subject) {
  if (!subject || candidate.version_at_least.empty()) return std::nullopt;
  for (const auto& v : subject->vars)
    if (v.key == candidate.version_at_least) {
      int n = 0;
      auto [end, ec] = std::from_chars(v.value.data(), v.value.data() + v.value.size(), n);
      if (ec == std::errc() && end == v.value.data() + v.value.size()) return n;
    }
  return std::nullopt;
}

std::string dirname_of(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == 0 ? "/" : p.substr(0, slash);
}

// The policy of one link: the candidate's, else its format's; with
// {runtime_dir} and {launcher_dir} resolved and no_new_privs decided (on unless the format has C).
std::optional<Confinement> link_policy(const FormatEntry& format, const RuntimeCandidate& rt, const ChainLink& link) {
  const std::optional<Confinement>& chosen = rt.confine ? rt.confine : format.confine;
  if (!chosen || !confines_anything(*chosen)) return std::nullopt;
  Confinement c = *chosen;
  if (!c.no_new_privs) c.no_new_privs = format.flags.find('C') == std::string::npos;
  const std::pair<std::string_view, std::string> dirs[] = {
      {"{runtime_dir}", dirname_of(link.runtime_file)},
      {"{launcher_dir}", rt.via.empty() ? "" : dirname_of(link.exec_file)}};
  for (const auto& entry : dirs) {  // not a structured binding: clang 14 cannot capture those
    const std::string_view name = entry.first;
    const std::string& dir = entry.second;
    std::erase_if(c.paths, [&](PathGrant& g) {
      if (placeholder_of(g.path) != name) return false;
      if (dir.empty()) return true;  // no launcher: grants nothing
      g.path = dir + g.path.substr(name.size());
      return false;
    });
  }
  return c;
}

// Every layer lets the chain's own files be read and run: the runtime is
// exec'd under all of them, and each runtime reads the next link's program.
void grant_chain_files(LaunchPlan& plan) {
  for (auto& c : plan.confinement) {
    if (!c.files) continue;
    for (const auto& link : plan.chain)
      for (const std::string* f : {&link.runtime_file, &link.exec_file})
        if (PathGrant g{*f, access::read | access::execute}; !f->empty() && std::find(c.paths.begin(), c.paths.end(), g) == c.paths.end())
          c.paths.push_back(std::move(g));
  }
}

}  // namespace

struct Dispatcher::Choice {
  const FormatEntry* format = nullptr;
  const RuntimeCandidate* runtime = nullptr;
  Detection exec_detection;  // what the executed file is (facts only when sniffed)
};

Dispatcher::Dispatcher(std::shared_ptr<const Registry> registry, HostAbi host, TrustPolicy trust)
    : registry_(std::move(registry)),
      host_(std::move(host)),
      trust_(std::move(trust)),
      modules_(make_modules({host_, registry_->rules()})) {}

Detection Dispatcher::detect(const FileView& file, std::string_view path, Status& status) const {
  for (const auto& m : modules_) {
    Sniff s = m->get_runtime_config(file, path);
    if (!s.ok() || *s) {
      Detection d = s.ok() ? std::move(**s) : Detection{};
      d.module = std::string(m->name());
      status = s.status();
      return d;
    }
  }
  status = Status::error(Code::unsupported, "not a kind of program scarlet-dispatch knows");
  return {};
}

Result<Detection> Dispatcher::sniff_file(const std::string& file) const { return sniff_file(file, 0); }

Result<Detection> Dispatcher::sniff_file(const std::string& file, int depth) const {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Status::from_errno(errno, "cannot read it");
  auto view = FileView::over_fd(fd.get());
  if (!view.ok()) return view.status();
  Status status;
  Detection d = detect(*view, file, status);
  if (!status.ok()) return status;
  const std::string* interpreter = d.fact("interpreter");
  if (d.module != "script" || !interpreter) return d;

  // Executing a script executes its interpreter, with [interpreter, its
  // argument if any, the script, the script's arguments…]. A native
  // interpreter makes the script native; a foreign one makes it a program
  // of that format, reached through this argv prefix.
  if (depth + 1 > kMaxScriptDepth)
    return Status::error(Code::refused, "more than " + std::to_string(kMaxScriptDepth) + " levels of #! interpreters");
  auto inner = sniff_file(*interpreter, depth + 1);
  if (!inner.ok()) return inner.status().wrap("its interpreter " + *interpreter);
  if (inner->native()) return d;
  Detection foreign = std::move(inner).value();
  if (!foreign.fact(kScriptProgram)) foreign.facts.push_back({std::string(kScriptProgram), *interpreter});
  if (const std::string* arg = d.fact("interpreter_arg")) foreign.facts.push_back({std::string(kScriptArgv), *arg});
  foreign.facts.push_back({std::string(kScriptArgv), file});
  return foreign;
}

struct Dispatcher::Selecting {
  std::string program_path;  // canonical, for pins; "" where none applies (a chained runtime)
  const std::vector<SkippedRuntime>* failed_to_start = nullptr;
};

Result<Dispatcher::Choice> Dispatcher::choose_runtime(const std::string& format, const std::vector<std::string>& seen,
                                                      const Detection* subject, ChainLink& link,
                                                      const Selecting* selecting) const {
  link.format = format;
  const FormatEntry* entry = registry_->find(format);
  const std::string install = entry && !entry->install.empty() ? "; install " + entry->install : "";
  if (!entry || !entry->enabled || entry->runtimes.empty())
    return Result<Choice>(Code::not_found, format + " program, but no runtime is configured for it" + install);
  bool refused = false, too_old = false, unmet = false;
  auto skip = [&](const std::string& path, std::string reason, bool refusal) {
    link.skipped.push_back({path, std::move(reason)});
    refused = refused || refusal;
  };
  // Canonical files already judged: a file a glob discovers is not judged
  // again (the target of /usr/bin/java); listed candidates always are, as
  // their via, args or conditions may differ.
  std::vector<std::string> judged;

  // One file a candidate stands for (itself, or one its glob discovered).
  auto attempt = [&](const RuntimeCandidate& candidate, const std::string& path) -> std::optional<Choice> {
    auto file = trusted_runtime_path(path, trust_);
    if (!file.ok()) {
      skip(path, file.status().message(), file.status().code() != Code::not_found);
      return std::nullopt;
    }
    const bool discovered = is_glob(candidate.path);
    if (discovered && std::find(judged.begin(), judged.end(), *file) != judged.end()) return std::nullopt;
    judged.push_back(*file);
    const std::string name = discovered ? path : basename_of(path);
    if (auto needed = required_version(candidate, subject)) {
      if (auto have = runtime_version(*file, candidate.version); have && *have < *needed) {
        skip(path, name + " is version " + std::to_string(*have) + "; the program needs " + std::to_string(*needed) + " or later",
             false);
        too_old = true;
        return std::nullopt;
      }
    }
    auto exec_file = candidate.via.empty() ? file : trusted_runtime_path(candidate.via, trust_);
    if (!exec_file.ok()) {
      skip(path, "launcher " + candidate.via + ": " + exec_file.status().message(), exec_file.status().code() != Code::not_found);
      return std::nullopt;
    }
    if (selecting && selecting->failed_to_start)
      for (const auto& f : *selecting->failed_to_start)
        if (f.path == *exec_file) {
          skip(path, "did not start: " + f.reason, true);
          return std::nullopt;
        }
    Detection exec_detection;
    exec_detection.format = candidate.abi;
    if (candidate.abi.empty()) {
      auto sniffed = sniff_file(*exec_file);
      if (!sniffed.ok()) {
        skip(path, "cannot tell what kind of program it is: " + sniffed.status().message(), true);
        return std::nullopt;
      }
      exec_detection = std::move(sniffed).value();
    }
    const std::string& fmt = exec_detection.format;
    if (fmt != kNativeFormat && std::find(seen.begin(), seen.end(), fmt) != seen.end()) {
      skip(path, "loop: it is itself a " + fmt + " program", true);
      return std::nullopt;
    }
    link.runtime = path;
    link.runtime_file = *file;
    link.exec_file = *exec_file;
    link.runtime_format = fmt;
    return Choice{entry, &candidate, std::move(exec_detection)};
  };
  // Whether the candidate's "when" holds of the program, judged once each.
  std::vector<std::pair<const RuntimeCandidate*, bool>> held;
  auto conditions_hold = [&](const RuntimeCandidate& c) {
    if (c.when.empty() || !subject) return true;  // no program (status, routes): every candidate counts
    for (const auto& [seen_c, ok] : held)
      if (seen_c == &c) return ok;
    auto outcomes = judge_conditions(c.when, *subject);
    const bool ok = all_held(outcomes);
    std::string why;
    for (const auto& o : outcomes)
      if (!o.held) why += (why.empty() ? "" : "; ") + o.text;
    link.conditions.push_back({c.path, std::move(outcomes)});
    held.emplace_back(&c, ok);
    if (!ok) {
      skip(c.path, "when: " + why, false);
      unmet = true;
    }
    return ok;
  };

  // The admin's pin for this program, if one names a candidate of this format.
  const Pin* pin = nullptr;
  const RuntimeCandidate* pinned = nullptr;
  for (const auto& p : registry_->pins()) {
    if (!selecting || selecting->program_path.empty() || (!p.format.empty() && p.format != format) || !glob_names(p.path, selecting->program_path))
      continue;
    auto c = std::find_if(entry->runtimes.begin(), entry->runtimes.end(), [&](const RuntimeCandidate& r) { return glob_names(r.path, p.runtime); });
    if (c == entry->runtimes.end()) continue;
    pin = &p;
    pinned = &*c;
    break;
  }
  if (pinned && conditions_hold(*pinned))
    if (auto choice = attempt(*pinned, pin->runtime)) {
      link.chosen_by = "pinned by " + pin->where + " (" + pin->path + ")";
      return std::move(*choice);
    }
  for (const auto& candidate : entry->runtimes) {
    if (!conditions_hold(candidate)) continue;
    auto paths = discover(candidate.path);
    if (paths.empty()) skip(candidate.path, "not installed (no file matches it)", false);
    for (const auto& path : paths) {
      if (pinned == &candidate && path == pin->runtime) continue;  // tried first already
      if (auto choice = attempt(candidate, path)) {
        link.chosen_by = pin ? "first candidate that can run it (the runtime pinned by " + pin->where + " cannot)"
                             : "first candidate that can run it";
        return std::move(*choice);
      }
    }
  }
  if (too_old && !refused) {
    std::vector<std::string> why;
    for (const auto& s : link.skipped)
      if (s.reason.find(" or later") != std::string::npos) why.push_back(s.reason);
    return Result<Choice>(Code::not_found, format + " program, but no installed runtime is new enough (" + join(why) + ")" + install);
  }
  if (unmet && !refused) {
    std::vector<std::string> why;  // "wine: not installed, wine64: when: pe is PE32+, but the program's is PE32"
    for (const auto& s : link.skipped) why.push_back(basename_of(s.path) + ": " + s.reason);
    return Result<Choice>(Code::not_found, format + " program, but no runtime here can run it (" + join(why) + ")" + install);
  }
  std::vector<std::string> tried;  // "dosbox, dosbox-x"; with reasons when any was refused
  for (const auto& s : link.skipped) {
    std::string item = refused ? s.path + ": " + s.reason : basename_of(s.path);
    if (std::find(tried.begin(), tried.end(), item) == tried.end()) tried.push_back(std::move(item));
  }
  if (refused) return Result<Choice>(Code::refused, format + " program, but no runtime may be used (" + join(tried) + ")");
  return Result<Choice>(Code::not_found, format + " program, but no runtime is installed (tried " + join(tried) + ")" + install);
}

namespace {

// The first path of `choice` that exists and, when the program names an ELF
// interpreter, contains it.
std::optional<std::string> pick_path(const EnvPathChoice& choice, const std::string* interp) {
  for (const auto& p : choice.paths) {
    if (interp ? holds_beneath(p, *interp) : ::access(p.c_str(), F_OK) == 0) return p;
  }
  return std::nullopt;
}

}  // namespace

Decision Dispatcher::decide(const FileView& file, const Invocation& inv) const {
  Decision out;
  out.detection = detect(file, inv.path, out.status);
  if (!out.status.ok()) return out;
  LaunchPlan& plan = out.plan;
  const std::string argv0 = inv.argv0.value_or(inv.path);
  if (out.detection.native()) {
    plan.exec_path = inv.path;
    plan.argv = {argv0};
    plan.args_at = 1;
    plan.argv.insert(plan.argv.end(), inv.args.begin(), inv.args.end());
    return out;
  }

  // Level 0 runs the binary; each further level runs the previous level's
  // executable, which turned out to be foreign itself.
  std::string format = out.detection.format;
  std::string subject = inv.path, subject_argv0 = argv0;
  const Detection* subject_detection = &out.detection;
  Detection previous;
  // The program's arguments travel through the templates as one marker
  // element (no argument can contain NUL), so the plan records where they
  // land and a caller without them (the daemon) can leave the splicing to
  // the shim.
  const std::string marker("\0args\0", 6);
  std::vector<std::string> rest = {marker}, seen;
  // Pins name the program by its canonical path (a readlink, so only when
  // there are pins); runtimes that failed to start are passed over at every link.
  const Selecting invoked{registry_->pins().empty() ? std::string() : program_path(file.fd(), inv.path), &inv.failed_to_start};
  const Selecting chained{"", &inv.failed_to_start};
  for (int level = 0;; ++level) {
    if (level == kMaxChain) {
      out.status = Status::error(Code::refused, "runtime chain longer than " + std::to_string(kMaxChain) + " links");
      return out;
    }
    seen.push_back(format);
    plan.chain.emplace_back();
    auto choice = choose_runtime(format, seen, subject_detection, plan.chain.back(), level == 0 ? &invoked : &chained);
    if (!choice.ok()) {
      out.status = choice.status();
      return out;
    }
    const ChainLink& link = plan.chain.back();
    const RuntimeCandidate& rt = *choice->runtime;
    auto lookup = [&](std::string_view name) -> std::optional<std::string> {
      if (name == "binary") return subject;
      if (name == "argv0") return subject_argv0;
      if (name == "runtime") return link.runtime_file;
      if (name == "binary_fd") {
        if (level > 0 || inv.binary_fd < 0) return subject;  // runtimes go by their checked path
        plan.uses_binary_fd = true;
        return "/dev/fd/" + std::to_string(inv.binary_fd);
      }
      for (const auto& v : subject_detection->vars)
        if (v.key == name) return v.value;
      return std::nullopt;
    };
    auto args = expand_arg_template(rt.args, lookup, rest);
    if (!args.ok()) {
      out.status = args.status().wrap(format + " runtime " + rt.path);
      return out;
    }
    for (const auto& e : rt.env) set_env(plan.env, e);
    for (const auto& e : rt.env_if_exists)
      if (auto p = pick_path(e, subject_detection->fact("interp"))) set_env(plan.env, {e.name, *p});
    std::vector<Limit> limits = choice->format->limits;
    for (const auto& l : rt.limits) {
      std::erase_if(limits, [&](const Limit& x) { return x.resource == l.resource; });
      limits.push_back(l);
    }
    plan.limits = tightened_limits(std::move(plan.limits), limits);
    if (auto policy = link_policy(*choice->format, rt, link)) plan.confinement.push_back(std::move(*policy));
    plan.resources = stricter(plan.resources, overridden(choice->format->resources, rt.resources));

    const std::string& exec_name = rt.via.empty() ? rt.path : rt.via;
    if (link.runtime_format == kNativeFormat) {
      plan.exec_path = link.exec_file;
      plan.argv = {exec_name};
      for (auto& a : *args) {
        if (a != marker) {
          plan.argv.push_back(std::move(a));
          continue;
        }
        plan.args_at = static_cast<int>(plan.argv.size());
        plan.argv.insert(plan.argv.end(), inv.args.begin(), inv.args.end());
      }
      grant_chain_files(plan);
      return out;
    }
    format = link.runtime_format;
    previous = std::move(choice->exec_detection);
    subject_detection = &previous;
    rest.clear();
    if (const std::string* program = previous.fact(kScriptProgram)) {
      // A script whose interpreter is foreign: the kernel would run the
      // interpreter with the script behind it (sniff_file).
      subject = subject_argv0 = *program;
      for (const auto& f : previous.facts)
        if (f.key == kScriptArgv) rest.push_back(f.value);
    } else {
      subject = link.exec_file;
      subject_argv0 = exec_name;
    }
    for (auto& a : *args) rest.push_back(std::move(a));
  }
}

ChainLink Dispatcher::runtime_for(const std::string& format, Status& status) const {
  ChainLink link;
  auto choice = choose_runtime(format, {format}, nullptr, link);
  status = choice.status();
  return link;
}

std::vector<std::string> builtin_formats(const HostAbi& host) {
  std::vector<std::string> out;
  for (const auto& m : make_modules({host, {}}))
    for (auto& f : m->formats()) out.push_back(std::move(f));
  return out;
}

}  // namespace scarlet
