// `scarlet-dispatch status [--json]` and `scarlet-dispatch reload`: admin
// requests to the running daemon.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "scarlet/client.h"
#include "scarlet/run_dir.h"

namespace scarlet::cli {
namespace {

using json = nlohmann::ordered_json;
constexpr int kNotRunning = 3;  // as `systemctl status` for a stopped unit

Result<wire::TextReply> ask(const Options& global, wire::Type type) {
  auto m = call_daemon(global.run_dir, wire::encode_empty(type), -1, 10000);
  if (!m.ok()) return m.status();
  if (m->message.type != wire::Type::text_reply) return Result<wire::TextReply>(Code::invalid, "unexpected reply");
  return wire::decode_text_reply(m->message.payload);
}

std::string str(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

void print_status(const json& s) {
  std::cout << "scarlet-dispatch " << str(s["version"]) << ", pid " << s["pid"] << ", serving " << str(s["socket"]) << "\n";
  const json& r = s["registry"];
  std::cout << "registry: " << str(r["main"]) << " (" << r["files"].size() << " file" << (r["files"].size() == 1 ? "" : "s")
            << "), loaded " << str(r["loaded_at"]) << "\n";
  if (!r["last_reload_error"].is_null()) std::cout << "last reload refused, previous registry in force:\n  " << str(r["last_reload_error"]) << "\n";
  std::size_t active = 0;
  for (const auto& e : s["entries"]) active += e["active"] == true;
  std::cout << "entries: " << s["entries"].size() << " wanted, " << active << " active, " << s["refused_entries"].size()
            << " refused; idle formats: " << s["idle_formats"].size() << "\n";
  // How each is dispatched (route.h): "kernel" entries start the runtime
  // themselves, "shim" entries go through scarlet-shim.
  for (const auto& e : s["entries"])
    std::printf("  %-28s %-16s %-8s %-4s %-6s %s\n", str(e["name"]).c_str(), str(e["format"]).c_str(),
                e["active"] == true ? "active" : e["registered"] == true ? "disabled" : "missing", str(e["flags"]).c_str(),
                str(e["route"]).c_str(), str(e["interpreter"]).c_str());
  for (const auto& e : s["refused_entries"]) std::cout << "  refused " << str(e["name"]) << ": " << str(e["reason"]) << "\n";
  if (!s["other_entries"].empty()) {
    std::cout << "other tools' entries overlapping ours (precedence " << str(s["precedence"]) << "):\n";
    for (const auto& e : s["other_entries"]) {
      std::cout << "  " << str(e["name"]) << " (" << str(e["interpreter"]) << ") overlaps";
      for (const auto& o : e["overlaps"]) std::cout << " " << str(o);
      std::cout << "; the kernel uses " << str(e["kernel_uses"]) << "\n";
    }
  }
  std::cout << "runtimes:\n";
  for (const auto& [format, rt] : s["runtimes"].items()) {
    if (!rt["runtime"].is_null()) {
      std::printf("  %-16s %s\n", format.c_str(), str(rt["runtime"]).c_str());
      continue;
    }
    std::string why;
    for (const auto& k : rt["skipped"]) why += (why.empty() ? "" : ", ") + str(k["path"]) + ": " + str(k["reason"]);
    std::printf("  %-16s missing (%s)\n", format.c_str(), why.empty() ? "none configured" : why.c_str());
  }
  std::cout << "counters:";
  for (const auto& [k, v] : s["counters"].items()) std::cout << " " << k << "=" << v;
  std::cout << "\n";
}

}  // namespace

int run_status(const Options& global, const StatusOptions& o) {
  auto reply = ask(global, wire::Type::status);
  if (!reply.ok()) {
    std::cerr << "scarlet-dispatch: no daemon answering at " << socket_path(global.run_dir) << ": "
              << reply.status().message() << "\n";
    return kNotRunning;
  }
  if (reply->exit_code != 0) {
    std::cerr << "scarlet-dispatch: " << reply->text << "\n";
    return reply->exit_code;
  }
  if (o.json) {
    std::cout << reply->text << "\n";
    return 0;
  }
  print_status(json::parse(reply->text));
  return 0;
}

int run_reload(const Options& global) {
  auto reply = ask(global, wire::Type::reload);
  if (!reply.ok()) {
    std::cerr << "scarlet-dispatch: no daemon answering at " << socket_path(global.run_dir) << ": "
              << reply.status().message() << "\n";
    return kNotRunning;
  }
  (reply->exit_code == 0 ? std::cout : std::cerr) << reply->text << "\n";
  return reply->exit_code;
}

}  // namespace scarlet::cli
