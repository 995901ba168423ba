#include "service.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>

#include "coexistence.h"
#include "sysroot_link.h"
#include "scarlet/build_config.h"
#include "scarlet/decision_json.h"
#include "scarlet/registry_loader.h"
#include "scarlet/resource_fallback.h"
#include "scarlet/run_dir.h"

namespace scarlet::daemon {

// Everything derived from one registry load. Immutable; shared by readers.
struct Service::State {
  std::vector<RegistryFile> files;
  std::shared_ptr<const Registry> registry;
  std::unique_ptr<Dispatcher> dispatcher;
  HostAbi host;
  std::map<std::string, Route> routes;
  binfmt::Plan plan;
  std::chrono::system_clock::time_point loaded_at;
};

namespace {

std::string iso_time(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
  return buf;
}

// Writes `text` to `path` so that readers see the old or the new file, never half.
Status write_atomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return Status::from_errno(errno, tmp);
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) return Status::from_errno(errno, tmp);
  ::fchmod(fd.get(), 0644);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Status::from_errno(errno, path);
  return {};
}

bool open_for_reading(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  return flags >= 0 && !(flags & O_PATH) && (flags & O_ACCMODE) != O_WRONLY;
}

std::string text_reply(int code, std::string text) { return wire::encode(wire::TextReply{code, std::move(text)}); }

std::string refusal(int code, std::string message) {
  wire::DecideReply r;
  r.exit_code = code;
  r.message = std::move(message);
  return wire::encode(r);
}

}  // namespace

std::string Service::summary(const State& state) {
  return "Serving " + std::to_string(state.plan.entries.size()) + " binfmt_misc entries for " +
         std::to_string(state.registry->formats().size()) + " formats";
}

Service::Service(ServiceOptions options, std::shared_ptr<spdlog::logger> log, Notify notify)
    : options_(std::move(options)), log_(std::move(log)), notify_(std::move(notify)), cache_(options_.cache_entries),
      started_(std::chrono::system_clock::now()),
      scopes_(options_.scopes ? options_.scopes : std::make_shared<TransientScopes>()) {}

Service::~Service() = default;

Result<std::shared_ptr<const Service::State>> Service::load() const {
  auto state = std::make_shared<State>();
  state->host = HostAbi::detect();
  auto files = read_registry_files(options_.registry);
  if (!files.ok()) return files.status();
  state->files = std::move(files).value();
  auto registry = parse_registry_for(state->files, state->host, host_program_samples());
  if (!registry.ok()) return registry.status();
  for (const auto& w : (*registry)->warnings()) log_->warn("registry: {}", w);
  state->registry = *registry;
  state->dispatcher = std::make_unique<Dispatcher>(state->registry, state->host, TrustPolicy::detect());
  state->loaded_at = std::chrono::system_clock::now();

  // No entry may match a native program, the shim, or a runtime we exec.
  auto forbidden = native_samples(state->host);
  for (const auto& s : host_program_samples()) forbidden.push_back(s);
  auto add_sample = [&](const std::string& what, const std::string& path) {
    auto s = file_sample(what, path);
    forbidden.insert(forbidden.end(), s.begin(), s.end());
  };
  add_sample("the shim " + options_.shim, options_.shim);
  for (const auto& [id, format] : state->registry->formats())
    for (const auto& rt : format.runtimes)
      for (const auto& file : {rt.path, rt.via})
        if (!file.empty() && ::access(file.c_str(), X_OK) == 0)
          // Runtimes exec'd as they are: native ones, and those a rule claims
          // (which would otherwise look foreign; a chained aarch64 runtime,
          // say, is meant to match its format's entry).
          if (auto d = state->dispatcher->sniff_file(file); d.ok() && (d->native() || d->module == "rule"))
            add_sample("the runtime " + file, file);
  state->routes = plan_routes(*state->dispatcher, state->host.formats(), options_.shim, TrustPolicy::detect());
  state->plan = binfmt::plan_entries(*state->registry, state->host.formats(), state->routes, forbidden);
  return std::shared_ptr<const State>(std::move(state));
}

Status Service::apply_entries(const State& state, const State* previous) {
  if (options_.binfmt_dir.empty()) return {};
  for (const auto& [format, route] : state.routes) {
    auto linked = link_sysroot(route);
    if (!linked.ok()) log_->warn("{}: dynamic programs will not find their libraries: {}", format, linked.status().message());
    else if (!linked->empty()) log_->info("{}: {}", format, *linked);
  }
  binfmt::BinfmtTable table(options_.binfmt_dir);
  if (Status s = table.ensure_mounted(); !s.ok()) return s;
  auto kernel = table.list();
  if (!kernel.ok()) return kernel.status();
  // Registering now puts ours after every entry present: all count as seen.
  auto plan = binfmt::reconcile(planned(state), *kernel, binfmt::others(*kernel), state.registry->precedence());
  std::vector<std::string> problems;
  // A stop leaves our entries in place, and the kernel holds the file each
  // F entry opened when registered: at start, register those again, so that
  // they run what their paths lead to now (a runtime upgraded meanwhile).
  if (!previous) {
    int repinned = 0;
    for (const auto& w : plan.wanted)
      if (w.flags.find('F') != std::string::npos &&
          std::any_of(kernel->begin(), kernel->end(), [&](const binfmt::Entry& e) { return binfmt::same_registration(e, w); }))
        repinned += table.replace(w).ok();
    if (repinned > 0) log_->info("binfmt_misc: registered again {} entries left by an earlier run, with today's files", repinned);
  }
  auto changes = table.sync(plan.wanted, problems);
  if (!changes.ok()) return changes.status();
  for (const auto& c : *changes) log_->info("binfmt_misc: {}", c);
  for (const auto& p : problems) log_->error("binfmt_misc: {}", p);
  for (const auto& y : plan.yielded) log_->info("binfmt_misc: not registering {}: {} is in charge (precedence \"theirs\")", y.ours, y.theirs);
  if (!previous || previous->plan.refused.size() != state.plan.refused.size())
    for (const auto& r : state.plan.refused) log_->warn("binfmt_misc: not registering {} ({}): {}", r.name, r.format, r.reason);
  if (auto now = table.list(); now.ok()) others_seen_ = binfmt::others(*now);
  yielded_ = plan.yielded;
  pinned_.clear();
  for (const auto& w : state.plan.entries) pinned_.pin(w.entry.interpreter);
  return {};
}

void Service::repin(const State& state, const binfmt::BinfmtTable& table, const std::vector<binfmt::Entry>& kernel) {
  // One stat per interpreter (many entries share the shim), every second.
  std::set<std::string> looked_at, replaced;
  for (const auto& w : state.plan.entries)
    if (looked_at.insert(w.entry.interpreter).second && pinned_.changed(w.entry.interpreter))
      replaced.insert(w.entry.interpreter);
  for (const auto& file : replaced) {
    int n = 0;
    for (const auto& w : state.plan.entries)
      if (w.entry.interpreter == file &&
          std::any_of(kernel.begin(), kernel.end(), [&](const binfmt::Entry& e) { return e.name == w.entry.name; }))
        n += table.replace(w.entry).ok();
    pinned_.pin(file);
    log_->warn("binfmt_misc: {} was replaced (an upgrade?); registered its {} entries again, so the kernel runs the new file",
               file, n);
  }
  bool dropped = false;
  {
    std::lock_guard lock(runtime_fds_mutex_);
    for (auto it = runtime_fds_.begin(); it != runtime_fds_.end();) {
      FileStamp held, now;
      const bool stale = it->second && stamp_of(it->second->get(), held) && stamp_of(it->first, now) && !(held == now);
      if (stale) log_->info("{} was replaced; the runtime held for chroots is opened again when next needed", it->first);
      dropped |= stale;
      it = stale ? runtime_fds_.erase(it) : std::next(it);
    }
  }
  if (dropped) cache_.clear();  // cached answers carry the old runtime too
}

std::vector<binfmt::Entry> Service::planned(const State& state) {
  std::vector<binfmt::Entry> out;
  for (const auto& w : state.plan.entries) out.push_back(w.entry);
  return out;
}

Status Service::start() {
  std::lock_guard lock(admin_);
  auto state = load();
  if (!state.ok()) return state.status();
  if (Status s = write_atomically(snapshot_path(options_.run_dir), registry_snapshot((*state)->files)); !s.ok())
    log_->warn("cannot write the registry snapshot: {}", s.message());
  if (Status s = apply_entries(**state, nullptr); !s.ok()) return s;
  state_.store(*state);
  log_->info("registry loaded from {} ({} formats, {} entries registered, {} refused)", options_.registry,
             (*state)->registry->formats().size(), (*state)->plan.entries.size(), (*state)->plan.refused.size());
  notify_("STATUS=" + summary(**state));  // READY=1 comes when the socket serves
  return {};
}

Status Service::reload() {
  std::lock_guard lock(admin_);
  notify_("RELOADING=1");
  auto state = load();
  if (!state.ok()) {
    ++counters_.reload_failures;
    last_error_ = state.status().message();
    log_->error("reload refused, the previous registry stays in force:\n{}", last_error_);
    notify_("READY=1\nSTATUS=Reload refused (bad registry); the previous one stays in force");
    return state.status();
  }
  if (Status s = write_atomically(snapshot_path(options_.run_dir), registry_snapshot((*state)->files)); !s.ok())
    log_->warn("cannot write the registry snapshot: {}", s.message());
  auto previous = state_.load();
  state_.store(*state);
  cache_.clear();
  {
    std::lock_guard fds(runtime_fds_mutex_);  // runtimes may have been replaced
    runtime_fds_.clear();
  }
  Status entries = apply_entries(**state, previous.get());
  ++counters_.reloads;
  last_error_.clear();
  log_->info("registry reloaded ({} formats, {} entries)", (*state)->registry->formats().size(), (*state)->plan.entries.size());
  notify_("READY=1\nSTATUS=" + summary(**state));
  return entries;
}

int Service::check_entries() {
  std::lock_guard lock(admin_);
  auto state = state_.load();
  if (!state || options_.binfmt_dir.empty()) return 0;
  binfmt::BinfmtTable table(options_.binfmt_dir);
  if (::access((options_.binfmt_dir + "/register").c_str(), F_OK) != 0) {
    if (Status s = table.ensure_mounted(); !s.ok()) return 0;
  }
  auto kernel = table.list();
  if (!kernel.ok()) return 0;
  repin(*state, table, *kernel);
  auto plan = binfmt::reconcile(planned(*state), *kernel, others_seen_, state->registry->precedence());
  // Another tool registered after us: register ours again, after them.
  for (const auto& name : plan.reregister) {
    auto w = std::find_if(plan.wanted.begin(), plan.wanted.end(), [&](const binfmt::Entry& e) { return e.name == name; });
    if (table.remove(name).ok() && table.add(*w).ok())
      log_->warn("binfmt_misc: another tool registered an entry overlapping {}; registered ours again after it "
                 "(precedence \"ours\")", name);
  }
  int restored = 0;
  for (const auto& w : plan.wanted) {
    bool present = std::any_of(kernel->begin(), kernel->end(), [&](const binfmt::Entry& e) { return e.name == w.name; });
    if (present) continue;
    bool was_yielded = std::any_of(yielded_.begin(), yielded_.end(), [&](const auto& y) { return y.ours == w.name; });
    if (Status s = table.add(w); !s.ok()) {
      log_->error("binfmt_misc: cannot register {}: {}", w.name, s.message());
    } else if (was_yielded) {
      log_->info("binfmt_misc: the entry in charge of {}'s files is gone; registered {}", w.name, w.name);
    } else {
      ++restored;
      log_->warn("binfmt_misc: {} had been removed by someone else; registered it again", w.name);
    }
  }
  for (const auto& y : plan.yielded)
    if (std::any_of(kernel->begin(), kernel->end(), [&](const binfmt::Entry& e) { return e.name == y.ours; }) &&
        table.remove(y.ours).ok())
      log_->info("binfmt_misc: {} now handles {}'s files; removed {} (precedence \"theirs\")", y.theirs, y.ours, y.ours);
  if (auto now = table.list(); now.ok()) others_seen_ = binfmt::others(*now);
  yielded_ = plan.yielded;
  counters_.entries_restored += static_cast<std::uint64_t>(restored);
  return restored;
}

void Service::stop() {
  std::lock_guard lock(admin_);
  if (options_.binfmt_dir.empty() || !options_.remove_entries) return;
  binfmt::BinfmtTable table(options_.binfmt_dir);
  std::vector<std::string> problems;
  auto changes = table.sync({}, problems);
  if (changes.ok())
    for (const auto& c : *changes) log_->info("binfmt_misc: {}", c);
  for (const auto& p : problems) log_->error("binfmt_misc: {}", p);
}

// What the plan's confinement asks that this kernel cannot enforce: the
// shim applies the rest (or refuses, for a required policy), and says nothing.
void Service::log_unenforced(const std::string& path, const Decision& d) const {
  if (d.plan.confinement.empty()) return;
  const int abi = landlock_abi();
  for (const auto& c : d.plan.confinement)
    for (const auto& u : unenforceable(c, abi))
      log_->warn("{}: {} confinement ({}) not enforced: {}{}", path, d.detection.format, c.where, u,
                 c.required ? "; required, so the program is refused" : "");
}

Answer Service::decide(const Peer& peer, const wire::DecideRequest& req, UniqueFd fd) {
  ++counters_.decisions;
  auto state = state_.load();
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return {refusal(126, "no regular file was passed with the request")};
  // Before the cache: an O_PATH fd (or one open only for writing) proves
  // nothing about reading the file, and the answer would tell its format.
  if (!open_for_reading(fd.get())) return {refusal(126, "the file passed with the request is not open for reading")};
  CacheKey key{{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                static_cast<std::uint64_t>(st.st_size), st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
                st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec},
               req.path, req.argv0, req.binary_fd};
  if (auto hit = cache_.get(key)) {
    ++counters_.cache_hits;
    log_->debug("{}: as decided before (cached)", req.path);
    return *hit;
  }
  auto view = FileView::over_fd(fd.get());
  if (!view.ok()) return {refusal(exit_code_for(view.status()), view.status().message())};
  Decision d = state->dispatcher->decide(*view, Invocation{req.path, req.argv0, {}, req.binary_fd});
  // A scope is per process, so such a reply is never cached: only formats
  // with "resources" pay for a decision on every exec.
  if (d.status.ok() && d.plan.resources.any()) return with_resources(peer, req, d);
  Answer reply{wire::encode(wire::to_reply(d)), nullptr};
  if (d.status.ok()) {
    // The runtime goes with the reply, opened as checked, for a shim in a
    // chroot where its path leads nowhere (answer.h).
    if (!d.detection.native()) reply.runtime = runtime_fd(d.plan.exec_path);
    cache_.put(key, reply, peer.uid);
    log_->debug("{}: {} -> {}", req.path, d.detection.format, d.plan.exec_path);
    log_unenforced(req.path, d);
  } else {
    ++counters_.refusals;
    // A refusal of the file itself (no format decided) depends on nothing
    // else, and a hostile file must cost its decision once (issue 11,
    // finding 5); "no runtime installed" is not kept.
    if (d.detection.format.empty()) cache_.put(key, reply, peer.uid);
    log_->debug("{}: {}", req.path, d.status.message());
  }
  return reply;
}

Answer Service::with_resources(const Peer& peer, const wire::DecideRequest& req, const Decision& d) {
  const ResourceControl& rc = d.plan.resources;
  Placement placed = scopes_->place({peer.pid, peer.uid, peer.connection, d.detection.format + " runtime of " + req.path}, rc);
  // What the scope does not enforce falls to rlimits, where they can say it.
  ResourceControl rest = rc;
  if (placed.memory) rest.memory.reset();
  if (placed.tasks) rest.tasks.reset();
  if (placed.cpu) rest.cpu_quota.reset(), rest.cpu_weight.reset();
  std::vector<Limit> fallback = rest.any() ? rlimit_fallback(rest, rest.tasks ? tasks_of_user(peer.uid) : 0) : std::vector<Limit>{};
  wire::DecideReply reply = wire::to_reply(d);
  reply.limits = tightened_limits(reply.limits, fallback);
  std::string said;
  for (const auto& l : fallback) said += (said.empty() ? "" : ", ") + l.name + "=" + std::to_string(l.value);
  std::string unapplied;
  for (const auto& n : not_by_rlimits(rest)) unapplied += (unapplied.empty() ? "" : ", ") + n;
  const std::string where = placed.unit.empty() ? "no scope (" + placed.why_not + ")" : "scope " + placed.unit;
  // One line per exec, for formats that asked for it: what holds the runtime.
  log_->info("{}: {} resources {}: {}{}{}", req.path, d.detection.format, describe(rc), where,
             said.empty() ? "" : "; rlimits instead: " + said, unapplied.empty() ? "" : "; not applied: " + unapplied);
  Answer answer{wire::encode(reply), nullptr};
  if (!d.detection.native()) answer.runtime = runtime_fd(d.plan.exec_path);
  return answer;
}

std::string Service::explain(const wire::DecideRequest& req, UniqueFd fd) {
  ++counters_.explains;
  auto state = state_.load();
  if (!fd) return text_reply(126, "no file was passed with the request");
  auto view = FileView::over_fd(fd.get());
  if (!view.ok()) return text_reply(exit_code_for(view.status()), view.status().message());
  Decision d = state->dispatcher->decide(*view, Invocation{req.path, req.argv0, req.args, req.binary_fd});
  std::string text = decision_to_json(req.path, d, route_of(d, state->routes));
  if (d.status.ok() && d.plan.resources.any()) {
    auto j = nlohmann::ordered_json::parse(text);
    j["resources"]["applied_by"] = scopes_->describe();
    text = j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  return text_reply(exit_code_for(d.status), text);
}

std::shared_ptr<const UniqueFd> Service::runtime_fd(const std::string& path) {
  std::lock_guard lock(runtime_fds_mutex_);
  auto& fd = runtime_fds_[path];
  if (!fd)
    if (UniqueFd opened(::open(path.c_str(), O_PATH | O_CLOEXEC)); opened)
      fd = std::make_shared<const UniqueFd>(std::move(opened));
  return fd;
}

Answer Service::handle(const Peer& peer, const wire::Message& m, UniqueFd fd) {
  ++counters_.requests;
  switch (m.type) {
    case wire::Type::decide:
    case wire::Type::explain: {
      auto req = wire::decode_request(m.payload);
      if (!req.ok()) {
        ++counters_.garbage;
        return {m.type == wire::Type::decide ? refusal(126, req.status().message()) : text_reply(2, req.status().message())};
      }
      return m.type == wire::Type::decide ? decide(peer, *req, std::move(fd)) : Answer{explain(*req, std::move(fd))};
    }
    case wire::Type::status:
    case wire::Type::reload:
      if (peer.uid != 0) {
        ++counters_.admin_denied;
        log_->warn("refused {} from uid {} (pid {}): root only", m.type == wire::Type::status ? "status" : "reload", peer.uid, peer.pid);
        return Answer{text_reply(126, "permission denied: only root may do that")};
      }
      if (m.type == wire::Type::status) return Answer{text_reply(0, status_json())};
      if (Status s = reload(); !s.ok()) return Answer{text_reply(1, s.message())};
      return Answer{text_reply(0, "reloaded")};
    default:
      ++counters_.garbage;
      return Answer{text_reply(2, "unexpected message type")};
  }
}

std::string Service::status_json() const {
  using json = nlohmann::ordered_json;
  auto state = state_.load();
  json out;
  out["pid"] = ::getpid();
  out["version"] = kVersion;
  out["socket"] = socket_path(options_.run_dir);
  out["run_dir"] = options_.run_dir;
  out["shim"] = options_.shim;
  out["started_at"] = iso_time(started_);
  json files = json::array();
  for (const auto& f : state->files) files.push_back(f.path);
  {
    std::lock_guard lock(admin_);
    out["registry"] = {{"main", options_.registry}, {"files", files}, {"loaded_at", iso_time(state->loaded_at)},
                       {"last_reload_error", last_error_.empty() ? json(nullptr) : json(last_error_)}};
  }

  // Our entries as planned and as the kernel has them; other tools' entries
  // that overlap ours.
  std::vector<binfmt::Entry> kernel;
  if (!options_.binfmt_dir.empty())
    if (auto l = binfmt::BinfmtTable(options_.binfmt_dir).list(); l.ok()) kernel = std::move(l).value();
  json entries = json::array();
  for (const auto& w : state->plan.entries) {
    auto k = std::find_if(kernel.begin(), kernel.end(), [&](const binfmt::Entry& e) { return e.name == w.entry.name; });
    entries.push_back({{"name", w.entry.name}, {"format", w.format}, {"registered", k != kernel.end()},
                       {"enabled", k != kernel.end() && k->enabled},
                       {"active", k != kernel.end() && k->enabled && binfmt::same_registration(*k, w.entry)},
                       {"flags", w.entry.flags}, {"route", route_name(state->routes.at(w.format).kind)},
                       {"interpreter", w.entry.interpreter}, {"why", state->routes.at(w.format).reason}});
  }
  out["entries"] = entries;
  json refused = json::array();
  for (const auto& r : state->plan.refused) refused.push_back({{"name", r.name}, {"format", r.format}, {"reason", r.reason}});
  out["refused_entries"] = refused;
  out["idle_formats"] = state->plan.idle;
  // For files both match, the kernel uses the entry registered last: ours
  // when registered (we re-register after theirs with precedence "ours"),
  // theirs when ours stand back or are missing.
  json others = json::array();
  for (const auto& k : kernel) {
    if (binfmt::is_ours(k.name)) continue;
    json overlapping = json::array();
    std::string kernel_uses = k.name;
    for (const auto& w : state->plan.entries) {
      if (!overlaps(k.match, w.entry.match)) continue;
      overlapping.push_back(w.entry.name);
      bool ours_registered = std::any_of(kernel.begin(), kernel.end(), [&](const binfmt::Entry& e) { return e.name == w.entry.name; });
      if (ours_registered && k.enabled && state->registry->precedence() == Precedence::ours) kernel_uses = w.entry.name;
    }
    if (!overlapping.empty())
      others.push_back({{"name", k.name}, {"interpreter", k.interpreter}, {"enabled", k.enabled}, {"overlaps", overlapping},
                        {"kernel_uses", kernel_uses}});
  }
  out["other_entries"] = others;
  out["precedence"] = state->registry->precedence() == Precedence::ours ? "ours" : "theirs";

  json runtimes = json::object();
  for (const auto& [id, format] : state->registry->formats()) {
    if (!format.enabled || state->host.runs(id)) continue;
    Status s;
    ChainLink link = state->dispatcher->runtime_for(id, s);
    json missing = json::array();
    for (const auto& sk : link.skipped) missing.push_back({{"path", sk.path}, {"reason", sk.reason}});
    runtimes[id] = {{"runtime", s.ok() ? json(link.runtime) : json(nullptr)}, {"skipped", missing}};
  }
  out["runtimes"] = runtimes;
  const Counters& c = counters_;
  out["counters"] = {{"requests", c.requests.load()},     {"decisions", c.decisions.load()},
                     {"cache_hits", c.cache_hits.load()}, {"cache_entries", cache_.size()},
                     {"refusals", c.refusals.load()},     {"explains", c.explains.load()},
                     {"admin_denied", c.admin_denied.load()}, {"garbage", c.garbage.load()},
                     {"timeouts", c.timeouts.load()},     {"rejected_connections", c.rejected.load()},
                     {"reloads", c.reloads.load()},       {"reload_failures", c.reload_failures.load()},
                     {"entries_restored", c.entries_restored.load()},
                     // Every request or reload that ended in an error, whatever the kind.
                     {"errors", c.refusals.load() + c.admin_denied.load() + c.garbage.load() + c.timeouts.load() +
                                    c.rejected.load() + c.reload_failures.load()}};
  return out.dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace scarlet::daemon
