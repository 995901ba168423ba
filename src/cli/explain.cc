// `scarlet-dispatch explain [--json] FILE [ARGS…]`
#include <fcntl.h>
#include <sys/resource.h>

#include <cstdio>
#include <iostream>

#include "commands.h"
#include "scarlet/decision_json.h"
#include "scarlet/registry_loader.h"
#include "scarlet/unique_fd.h"

namespace scarlet::cli {
namespace {

// Quotes an argument for display the way a shell would need it.
std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%") == std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void print_text(const std::string& file, const Decision& d) {
  const Detection& det = d.detection;
  if (det.module.empty()) {
    std::cout << file << ": not recognized\n";
  } else {
    std::cout << file << ": " << (det.format.empty() ? "refused" : det.format) << "  [module " << det.module << "]\n";
    for (const auto& f : det.facts) std::printf("  %-14s %s\n", f.key.c_str(), f.value.c_str());
  }
  for (const auto& link : d.plan.chain) {
    std::cout << "runtime for " << link.format << ": "
              << (link.runtime.empty() ? "(none)" : link.runtime + " (" + link.runtime_format + ")") << "\n";
    if (!link.runtime_file.empty() && link.runtime_file != link.runtime) std::cout << "  resolves to " << link.runtime_file << "\n";
    for (const auto& s : link.skipped) std::cout << "  skipped " << s.path << ": " << s.reason << "\n";
  }
  if (!d.status.ok()) {
    std::cout << "cannot run: " << d.status.message() << " (exit " << exit_code_for(d.status) << ")\n";
    return;
  }
  if (det.native()) std::cout << "runs natively\n";
  std::cout << "argv:";
  for (const auto& a : d.plan.argv) std::cout << " " << shell_quote(a);
  std::cout << "\n";
  for (const auto& e : d.plan.env) std::cout << "env:  " << e.name << "=" << shell_quote(e.value) << "\n";
  for (const auto& l : d.plan.limits)
    std::cout << "limit: " << l.name << "="
              << (l.value == static_cast<std::uint64_t>(RLIM_INFINITY) ? std::string("unlimited") : std::to_string(l.value))
              << "\n";
}

}  // namespace

int run_explain(const std::string& registry_path, const ExplainOptions& o) {
  HostAbi host = HostAbi::detect();
  auto registry = load_registry(registry_path, host);
  if (!registry.ok()) {
    std::cerr << "scarlet-dispatch: invalid registry, nothing explained:\n" << registry.status().message() << "\n";
    return 2;
  }
  UniqueFd fd(::open(o.file.c_str(), O_RDONLY | O_CLOEXEC));
  auto view = fd ? FileView::over_fd(fd.get()) : Result<FileView>(Status::from_errno(errno, "cannot open"));
  if (!view.ok()) {
    std::cerr << "scarlet: " << o.file << ": " << view.status().message() << "\n";
    return exit_code_for(view.status());
  }
  Dispatcher dispatcher(std::move(registry).value(), host, TrustPolicy::detect());
  Invocation inv{o.file, std::nullopt, o.args, fd.get()};
  Decision d = dispatcher.decide(*view, inv);
  if (o.json) std::cout << decision_to_json(o.file, d) << "\n";
  else print_text(o.file, d);
  std::cout.flush();  // the reason line on stderr comes after the explanation
  if (!d.status.ok()) std::cerr << "scarlet: " << o.file << ": " << d.status.message() << "\n";
  return exit_code_for(d.status);
}

}  // namespace scarlet::cli
