// Dispatcher: a binary plus how it was invoked -> a LaunchPlan (the final
// argv, environment and limits), using the modules to recognize the file and
// the registry to pick its runtime.
//
// When the chosen runtime is itself foreign (its "abi", or what its own bytes
// say), the plan chains through that format's runtime, up to kMaxChain links;
// a format met twice is a loop and an error, never an exec loop.
//
// A Dispatcher is immutable: build a new one for a new registry and swap a
// shared_ptr<const Dispatcher>. decide() is safe to call from many threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scarlet/abi_module.h"
#include "scarlet/registry.h"
#include "scarlet/runtime_trust.h"
#include "scarlet/selection.h"

namespace scarlet {

struct SkippedRuntime {
  std::string path;
  std::string reason;
};

struct Invocation {
  std::string path;                  // the binary's path as the user named it
  std::optional<std::string> argv0;  // the argv[0] typed, when known (binfmt_misc P flag)
  std::vector<std::string> args;     // argv[1..]
  int binary_fd = -1;                // fd the runtime inherits, for {binary_fd}; -1: none
  // Runtimes (their executed, canonical files) that failed to start for this
  // exec, with why: passed over, so the next candidate that can run the
  // program is chosen (the shim's fallback).
  std::vector<SkippedRuntime> failed_to_start = {};
};

// How one candidate's "when" went for the program, for explain.
struct CandidateCheck {
  std::string path;
  std::vector<ConditionOutcome> conditions;
};

// One link of the chain: a format, and the runtime chosen for it. This is
// the Scarlet kernel's RuntimeConfig {runtime_path, runtime_abi,
// runtime_args}: runtime_file is runtime_path, runtime_format is
// runtime_abi ("native", or a format that chains on), and the runtime's
// expanded argument template, in LaunchPlan::argv before args_at, holds
// runtime_args (with the binary where the template puts it).
struct ChainLink {
  std::string format;
  std::string runtime;         // the runtime as configured
  std::string runtime_file;    // its canonical, checked path
  std::string exec_file;       // what is executed: runtime_file, or its "via" launcher's
  std::string runtime_format;  // "native", or the format of exec_file itself
  std::vector<SkippedRuntime> skipped;
  // Which rule chose the runtime: "pinned by FILE:LINE:COL (GLOB)" or "first
  // candidate that can run it"; and each candidate's conditions.
  std::string chosen_by;
  std::vector<CandidateCheck> conditions;
};

struct LaunchPlan {
  std::vector<ChainLink> chain;  // empty for a native binary
  std::string exec_path;         // the file to execve
  std::vector<std::string> argv; // with Invocation::args in place
  int args_at = -1;              // where Invocation::args begin in argv; -1: the runtime takes none
  std::vector<EnvVar> env;       // set over the inherited environment, in order
  std::vector<Limit> limits;
  bool uses_binary_fd = false;   // the runtime must inherit Invocation::binary_fd
  // Memory, CPU and task limits for the runtime: a transient systemd scope
  // made by the daemon, or the rlimits of resource_fallback.h. Not in
  // `limits`: those are applied as they are, wherever the plan runs.
  ResourceControl resources;
};

struct Decision {
  Detection detection;  // format empty when no module recognized the file
  Status status;        // why it cannot run; ok when `plan` is ready
  LaunchPlan plan;
};

class Dispatcher {
 public:
  static constexpr int kMaxChain = 4;

  Dispatcher(std::shared_ptr<const Registry> registry, HostAbi host, TrustPolicy trust);
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // What the file is: the first module that recognizes or refuses it. On a
  // refusal `status` holds the reason and the detection only its module;
  // when no module knows the file, status is Code::unsupported.
  Detection detect(const FileView& file, std::string_view path, Status& status) const;
  Decision decide(const FileView& file, const Invocation& invocation) const;
  // The runtime that would run `format`, with the candidates skipped on the
  // way; status says why there is none.
  ChainLink runtime_for(const std::string& format, Status& status) const;
  // What the file at `path` (a runtime, the shim) is, as runtimes are judged.
  // A "#!" script is what its interpreter is (followed as the kernel would,
  // up to kMaxScriptDepth levels): native when that is native; otherwise the
  // interpreter's detection, with the facts kScriptProgram (the foreign
  // program the kernel would end up executing) and kScriptArgv (in order,
  // what the kernel puts between it and the script's own arguments).
  Result<Detection> sniff_file(const std::string& path) const;
  static constexpr int kMaxScriptDepth = 5;  // the kernel gives ELOOP beyond 5 (fs/exec.c)
  static constexpr std::string_view kScriptProgram = "script_program";
  static constexpr std::string_view kScriptArgv = "script_argv";

  const Registry& registry() const { return *registry_; }
  const HostAbi& host() const { return host_; }
  const ModuleList& modules() const { return modules_; }

 private:
  struct Choice;
  struct Selecting;
  // `subject` (nullable) is what the runtime will run, for candidates that
  // need a version of it or have conditions; `selecting` (nullable) what else
  // the choice depends on (pins, runtimes that failed to start).
  Result<Choice> choose_runtime(const std::string& format, const std::vector<std::string>& seen, const Detection* subject,
                                ChainLink& link, const Selecting* selecting = nullptr) const;
  Result<Detection> sniff_file(const std::string& path, int depth) const;

  std::shared_ptr<const Registry> registry_;
  HostAbi host_;
  TrustPolicy trust_;
  ModuleList modules_;
};

// The modules' format ids, for RegistryChecks.
std::vector<std::string> builtin_formats(const HostAbi& host);

}  // namespace scarlet
