// A load generator for the daemon's socket: `clients` concurrent clients,
// each a real client as the shim is one (connect, one request with the
// program's fd as SCM_RIGHTS, one reply, close). Closed loop by default: a
// client sends its next request as soon as its reply is in, so the daemon
// runs flat out and latency includes the queue the clients build. Paced
// when `rate` is set: requests are due at that total rate whatever the
// replies do, and latency counts from when each was due, so a daemon that
// falls behind pays for it. Latency ends at the last byte of the reply.
// Thread-safety: run_load() runs its own threads and joins them.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "latencies.h"

namespace scarlet::bench {

enum class Protocol {
  scarlet,    // wire::DecideRequest / DecideReply; exit_code 0 counts as a decision
  reference,  // bench/reference/ref-server: the path out, any bytes back until EOF
};

struct LoadOptions {
  std::string socket;             // the daemon's socket
  std::string file;               // the program whose fd every request passes
  unsigned clients = 1;           // connections in flight
  unsigned threads = 1;           // event loops sharing them
  std::chrono::milliseconds warmup{500};    // run, but not counted
  std::chrono::milliseconds duration{3000}; // counted
  double rate = 0;                          // requests per second in all; 0: closed loop
  Protocol protocol = Protocol::scarlet;
  bool unique_paths = false;  // each request names the file differently: no cached answer fits
};

struct LoadResult {
  std::uint64_t decisions = 0;   // replies that were a decision to run something
  std::uint64_t failures = 0;    // refusals, garbage, resets, connects refused (backlog full)
  double seconds = 0;
  Latencies latencies;           // of the decisions
};

LoadResult run_load(const LoadOptions& options);

}  // namespace scarlet::bench
