// bench-confine NOOP [PAIRS]: what applying a "confine" policy costs one
// exec, measured where hyperfine cannot see it on a loaded machine. For each
// policy (the full one of bench/exec-overhead's scarlet-confined row; its
// Landlock part and no_new_privs alone; its seccomp presets alone), each
// pair forks two children in turn, their order alternating: one applies the
// policy with the shim's own code (src/shim/confine.h) and then execs the
// static no-op runtime, the other only execs it. The parent times each from
// fork to reaped exit, and a child reports how long apply() itself took.
// Prints medians and differences, all from this run.
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>
#include <vector>

#include "confine.h"
#include "scarlet/confinement.h"
#include "scarlet/protocol.h"

using namespace scarlet;
using namespace scarlet::shim;

namespace {

long long now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

// The policy of bench/exec-overhead's scarlet-confined row, as the shim gets it.
const confine::Rule kRules[] = {
    {"/usr", access::read},         {"/etc", access::read},           {"{program_dir}", access::read},
    {"{home}/.config", access::read}, {"{cwd}", access::read | access::write}, {"/tmp", access::read | access::write},
    {"/dev/null", access::read | access::write}, {"/usr/bin", access::read | access::execute},
    {"/usr/lib", access::read | access::execute}, {"/bin", access::read | access::execute},
    {"/lib", access::read | access::execute},    {"/lib64", access::read | access::execute},
};
const confine::Port kPorts[] = {{PortGrant::connect, 80}, {PortGrant::connect, 443}, {PortGrant::bind, 8080}};

// One child's exec, from fork to its reaped exit, in ns; `applied_ns`
// receives apply()'s own time when `confined`.
struct Variant {
  const char* name;
  std::uint32_t flags;
  std::uint32_t syscalls;
};
constexpr std::uint32_t kAllLandlock = wire::kConfineFiles | wire::kConfineNetwork | wire::kConfineScopeAbstract |
                                       wire::kConfineScopeSignal | wire::kConfineNoNewPrivs;
const Variant kVariants[] = {
    {"the full policy", kAllLandlock, syscall_preset::all},
    {"its files, TCP ports, scopes and no_new_privs", kAllLandlock, 0},
    {"its files alone (and no_new_privs)", wire::kConfineFiles | wire::kConfineNoNewPrivs, 0},
    {"its seccomp presets alone (and no_new_privs)", wire::kConfineNoNewPrivs, syscall_preset::all},
};

long long one(const char* noop, const Variant* confined, long long& applied_ns) {
  int pipefd[2];
  if (::pipe(pipefd) != 0) std::exit(1);
  const long long start = now_ns();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipefd[0]);
    // Both children do the same work but for apply(): the rules are set up
    // and a time is reported by each, so the difference is the policy's.
    std::vector<confine::Rule> rules(std::begin(kRules), std::end(kRules));
    rules.push_back({noop, access::read | access::execute});
    long long t = 0;
    if (confined) {
      confine::Layer layer;
      layer.flags = confined->flags;
      layer.syscalls = confined->syscalls;
      // As the dispatcher grants the chain's runtime files (the no-op here).
      layer.rules = rules.data(), layer.rulec = static_cast<std::uint32_t>(rules.size());
      layer.ports = kPorts, layer.portc = sizeof kPorts / sizeof kPorts[0];
      confine::Context where{noop, std::getenv("HOME"), -1, -1};
      confine::Failure why;
      const long long t0 = now_ns();
      const bool ok = confine::apply(&layer, 1, where, confine::landlock_abi(), why);
      t = now_ns() - t0;
      if (!ok) ::_exit(3);
    } else {
      [[maybe_unused]] const char* home = std::getenv("HOME");
      t = now_ns() - now_ns();
    }
    [[maybe_unused]] auto n = ::write(pipefd[1], &t, sizeof t);
    ::close(pipefd[1]);
    char* argv[] = {const_cast<char*>(noop), nullptr};
    ::execv(noop, argv);
    ::_exit(127);
  }
  ::close(pipefd[1]);
  applied_ns = 0;
  if (::read(pipefd[0], &applied_ns, sizeof applied_ns) != sizeof applied_ns) applied_ns = -1;
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const long long total = now_ns() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "bench-confine: the %s child failed (status %d)\n", confined ? confined->name : "plain", status);
    std::exit(1);
  }
  return total;
}

double median_us(std::vector<long long> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2] / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench-confine NOOP [PAIRS]\n");
    return 2;
  }
  const int pairs = argc > 2 ? std::atoi(argv[2]) : 1000;
  char filter[confine::kMaxFilter * 8];
  std::printf("landlock ABI %d; %d pairs per policy; seccomp filter of every preset: %u instructions\n\n",
              confine::landlock_abi(), pairs, confine::build_filter(syscall_preset::all, filter, confine::kMaxFilter));
  std::printf("| policy | fork + exec, plain µs | with the policy µs | added (median of the pairs) µs | apply() µs |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  long long ignored = 0;
  for (const Variant& v : kVariants) {
    std::vector<long long> plain, confined, applied, diff;
    for (int i = 0; i < 50; ++i) one(argv[1], i % 2 ? &v : nullptr, ignored);  // warm-up
    for (int i = 0; i < pairs; ++i) {
      long long a = 0, p = 0, c = 0;
      if (i % 2) c = one(argv[1], &v, a), p = one(argv[1], nullptr, ignored);
      else p = one(argv[1], nullptr, ignored), c = one(argv[1], &v, a);
      plain.push_back(p), confined.push_back(c), applied.push_back(a), diff.push_back(c - p);
    }
    std::printf("| %s | %.1f | %.1f | %.1f | %.1f |\n", v.name, median_us(plain), median_us(confined), median_us(diff),
                median_us(applied));
  }
  return 0;
}
