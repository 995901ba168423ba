// Server: the daemon's Unix sockets. Accepts connections, reads one request
// frame (and the fd passed with it), hands it to the handler, writes the
// reply (with the fd the handler passes back, if any, to clients that came
// by an abstract address: see answer.h), closes. A client whose request is already whole when it is accepted
// (the shim's nearly always is) is answered right there, on one of the
// server's own accepting threads; any other is served asynchronously on the
// io_context, and slow, oversized or garbage clients are dropped: each such
// connection has a deadline and a size cap, and they are capped in total and
// per user, so none can stall the others. Each user but root also has a
// budget of the daemon's CPU time and of requests answered at once
// (peer_budget.h, its defaults); a request beyond it is closed unanswered.
// Thread-safety: run the io_context on any number of threads. The handler
// is called from the accepting threads and the io_context's at once; every
// asynchronous connection's handlers run on its own strand. start() and
// stop() are for one thread (stop() joins the accepting threads).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scarlet/protocol.h"
#include "scarlet/unique_fd.h"
#include "service.h"

namespace boost::asio {
class io_context;
}

namespace scarlet::daemon {

struct ServerOptions {
  std::size_t max_connections = 512;  // waiting ones; beyond this, new ones are closed at once (the shim decides alone)
  std::size_t max_per_user = 128;     // for each uid but root
  std::chrono::milliseconds deadline{2000};  // from accept to reply sent
  unsigned accept_threads = 0;  // accepting and answering whole requests; 0: half the CPUs, 2 to 4
};

using Handler = std::function<Answer(const Peer&, const wire::Message&, UniqueFd)>;

class Server {
 public:
  // Serves on `listeners`, listening Unix stream sockets (owned from here).
  Server(boost::asio::io_context& io, std::vector<UniqueFd> listeners, ServerOptions options, Handler handler,
         Counters& counters);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();
  void stop();  // stops accepting; connections in flight finish or time out

  struct Impl;  // opaque: Asio stays out of this header

 private:
  std::shared_ptr<Impl> impl_;
};

// A listening socket at `path` (a stale socket file there is replaced),
// reachable by every user (requests are checked per peer, not by file mode).
Result<UniqueFd> listen_unix(const std::string& path);
// A listening socket at the abstract address `name` (no file; see run_dir.h).
Result<UniqueFd> listen_abstract(const std::string& name);

}  // namespace scarlet::daemon
