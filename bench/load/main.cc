// scarlet-load: drives a daemon's socket with N concurrent clients and prints
// one JSON line: decisions/s and latency percentiles. See load.h.
//   scarlet-load --socket PATH --file PROGRAM [--clients N] [--threads N]
//                [--seconds S] [--warmup S] [--rate PER_SECOND] [--protocol scarlet|reference]
//                [--unique-paths yes]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "load.h"

namespace {

int usage() {
  std::fputs("usage: scarlet-load --socket PATH --file PROGRAM [--clients N] [--threads N] [--seconds S] "
             "[--warmup S] [--rate PER_SECOND] [--protocol scarlet|reference] [--unique-paths yes]\n", stderr);
  return 2;
}

std::chrono::milliseconds seconds(const char* text) {
  return std::chrono::milliseconds(static_cast<long>(std::strtod(text, nullptr) * 1000));
}

}  // namespace

int main(int argc, char** argv) {
  scarlet::bench::LoadOptions o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--socket") o.socket = value;
    else if (flag == "--file") o.file = value;
    else if (flag == "--clients") o.clients = static_cast<unsigned>(std::atoi(value));
    else if (flag == "--threads") o.threads = static_cast<unsigned>(std::atoi(value));
    else if (flag == "--seconds") o.duration = seconds(value);
    else if (flag == "--warmup") o.warmup = seconds(value);
    else if (flag == "--rate") o.rate = std::strtod(value, nullptr);
    else if (flag == "--unique-paths") o.unique_paths = std::string_view(value) == "yes";
    else if (flag == "--protocol" && std::string_view(value) == "reference") o.protocol = scarlet::bench::Protocol::reference;
    else if (flag != "--protocol" || std::string_view(value) != "scarlet") return usage();
  }
  if (argc % 2 == 0 || o.socket.empty() || o.file.empty() || o.clients == 0) return usage();

  auto r = scarlet::bench::run_load(o);
  auto us = [&](double p) { return static_cast<double>(r.latencies.percentile(p)) / 1000.0; };
  std::printf("{\"clients\": %u, \"threads\": %u, \"rate\": %.0f, \"decisions\": %llu, \"failures\": %llu, \"seconds\": %.2f, "
              "\"per_second\": %.0f, \"p50_us\": %.1f, \"p99_us\": %.1f, \"p999_us\": %.1f, \"max_us\": %.1f}\n",
              o.clients, o.threads, o.rate, static_cast<unsigned long long>(r.decisions),
              static_cast<unsigned long long>(r.failures), r.seconds, static_cast<double>(r.decisions) / r.seconds,
              us(50), us(99), us(99.9), us(100));
  return r.decisions > 0 ? 0 : 1;
}
