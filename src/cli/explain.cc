// `scarlet-dispatch explain [--json] FILE [ARGS…]`
#include <fcntl.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "own_files.h"
#include "scarlet/client.h"
#include "scarlet/decision_json.h"
#include "scarlet/printable.h"
#include "scarlet/registry_loader.h"
#include "scarlet/run_dir.h"
#include "scarlet/unique_fd.h"

namespace scarlet::cli {
namespace {

using json = nlohmann::ordered_json;

// Quotes an argument for display the way a shell would need it.
std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%") == std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A string of the explanation, safe for a terminal: names and reasons come
// from the file's bytes (printable.h).
std::string str(const json& v) { return v.is_string() ? printable(v.get<std::string>()) : std::string(); }

// What the plan's "resources" are and what of them is applied (decision_json
// and whoever said "applied_by": the daemon, or this command deciding alone).
void print_resources(const json& j) {
  if (!j.contains("resources") || !j["resources"].contains("text")) return;
  const json& r = j["resources"];
  std::cout << "resources: " << str(r["text"]) << "\n";
  if (r.contains("applied_by")) std::cout << "  applied: " << str(r["applied_by"]) << "\n";
  std::string fallback;
  for (const auto& [k, v] : r["fallback_limits"].items()) fallback += (fallback.empty() ? "" : ", ") + k + "=" + (v.is_string() ? str(v) : v.dump());
  std::cout << "  without a cgroup: " << (fallback.empty() ? "no rlimit stands in" : "rlimits " + fallback);
  for (const auto& n : r["not_by_rlimits"]) std::cout << "; " << str(n) << " not applied (no rlimit equivalent)";
  std::cout << "\n";
}

// Which rule chose a link's runtime, and how each candidate's "when" went.
void print_selection(const json& link) {
  if (link.contains("conditions") && link["conditions"].is_array())
    for (const auto& c : link["conditions"])
      for (const auto& o : c["conditions"])
        std::cout << "  when " << str(c["runtime"]) << ": " << str(o["condition"]) << ": "
                  << (o["held"] == true ? "holds" : "fails") << "\n";
  if (link.contains("chosen_by") && link["chosen_by"].is_string()) std::cout << "  chosen: " << str(link["chosen_by"]) << "\n";
}

void print_text(const json& j) {
  const std::string file = str(j["file"]);
  if (j["module"].is_null()) {
    std::cout << file << ": not recognized\n";
  } else {
    std::cout << file << ": " << (j["format"].is_null() ? "refused" : str(j["format"])) << "  [module " << str(j["module"]) << "]\n";
    for (const auto& [k, v] : j["facts"].items()) std::printf("  %-14s %s\n", k.c_str(), str(v).c_str());
  }
  std::cout.flush();
  for (const auto& link : j["chain"]) {
    std::cout << "runtime for " << str(link["format"]) << ": "
              << (link["runtime"].is_null() ? "(none)" : str(link["runtime"]) + " (" + str(link["runtime_format"]) + ")") << "\n";
    if (!link["runtime_file"].is_null() && link["runtime_file"] != link["runtime"])
      std::cout << "  resolves to " << str(link["runtime_file"]) << "\n";
    for (const auto& s : link["skipped"]) std::cout << "  skipped " << str(s["path"]) << ": " << str(s["reason"]) << "\n";
    print_selection(link);
  }
  if (j.contains("reason")) {
    std::cout << "cannot run: " << str(j["reason"]) << " (exit " << j["exit_code"] << ")\n";
  } else {
    if (j["native"] == true) std::cout << "runs natively\n";
    std::cout << "argv:";
    for (const auto& a : j["argv"]) std::cout << " " << shell_quote(str(a));
    std::cout << "\n";
    for (const auto& [k, v] : j["env"].items()) std::cout << "env:  " << k << "=" << shell_quote(str(v)) << "\n";
    for (const auto& [k, v] : j["limits"].items()) std::cout << "limit: " << k << "=" << (v.is_string() ? str(v) : v.dump()) << "\n";
    print_resources(j);
  }
  if (j.contains("route") && j["route"].is_object())
    std::cout << "dispatched: " << str(j["route"]["kind"]) << " (" << str(j["route"]["interpreter"]) << ", flags "
              << str(j["route"]["flags"]) << "): " << str(j["route"]["reason"]) << "\n";
  std::cout << "(" << str(j["decided_by"]) << ")\n";
}

// The daemon's answer, when one is running and the registry was not named.
std::optional<json> ask_daemon(const Options& global, const ExplainOptions& o, int fd) {
  std::string frame = wire::encode(wire::DecideRequest{o.file, std::nullopt, fd, o.args}, wire::Type::explain);
  if (frame.size() > wire::kMaxRequest + wire::kHeaderSize) return std::nullopt;
  auto m = call_daemon(global.run_dir, frame, fd, 5000);
  if (!m.ok() || m->message.type != wire::Type::text_reply) return std::nullopt;
  auto reply = wire::decode_text_reply(m->message.payload);
  if (!reply.ok()) return std::nullopt;
  json j = json::parse(reply->text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  j["decided_by"] = "the daemon at " + socket_path(global.run_dir);
  return j;
}

}  // namespace

int run_explain(const Options& global, const ExplainOptions& o) {
  UniqueFd fd(::open(o.file.c_str(), O_RDONLY | O_CLOEXEC));
  auto view = fd ? FileView::over_fd(fd.get()) : Result<FileView>(Status::from_errno(errno, "cannot open"));
  if (!view.ok()) {
    std::cerr << "scarlet: " << o.file << ": " << view.status().message() << "\n";
    return exit_code_for(view.status());
  }
  std::optional<json> answer;
  if (!global.registry_given) answer = ask_daemon(global, o, fd.get());
  if (!answer) {
    HostAbi host = HostAbi::detect();
    auto registry = load_registry(global.registry, host);
    if (!registry.ok()) {
      std::cerr << "scarlet-dispatch: invalid registry, nothing explained:\n" << registry.status().message() << "\n";
      return 2;
    }
    Dispatcher dispatcher(std::move(registry).value(), host, TrustPolicy::detect());
    Decision d = dispatcher.decide(*view, Invocation{o.file, std::nullopt, o.args, fd.get()});
    auto routes = plan_routes(dispatcher, host.formats(), default_shim(), TrustPolicy::detect());
    answer = json::parse(decision_to_json(o.file, d, route_of(d, routes)));
    (*answer)["decided_by"] = "decided here from " + global.registry;
    if ((*answer)["resources"].contains("text"))
      (*answer)["resources"]["applied_by"] = "rlimits only: decided here, and only the daemon makes systemd scopes";
  }
  const json& j = *answer;
  if (o.json) std::cout << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  else print_text(j);
  std::cout.flush();  // the reason line on stderr comes after the explanation
  int code = j["exit_code"].get<int>();
  if (code != 0) std::cerr << "scarlet: " << o.file << ": " << str(j["reason"]) << "\n";
  return code;
}

}  // namespace scarlet::cli
