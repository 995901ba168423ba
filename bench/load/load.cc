#include "load.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "scarlet/fd_message.h"
#include "scarlet/protocol.h"
#include "scarlet/unique_fd.h"

namespace scarlet::bench {
namespace {

std::uint64_t now_ns() {
  struct timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

// One client: the connection in flight and what has come back on it.
struct Slot {
  UniqueFd sock;
  std::uint64_t scheduled = 0;  // when its next request is due (latency counts from here)
  bool busy = false;
  wire::FrameReader frame;
  std::size_t received = 0;
  std::uint64_t sent = 0;  // requests so far (for unique paths)
};

// One thread's share of the clients, driven by one epoll instance. Closed
// loop: a client's next request is due when its reply is in. Paced (a
// rate): each client is due every clients/rate seconds, whatever happened,
// and a late start counts in the latency (no coordinated omission).
class Loop {
 public:
  Loop(const LoadOptions& o, const std::string& request, int file_fd, unsigned first, unsigned clients,
       std::uint64_t count_from, std::uint64_t until)
      : o_(o), request_(request), file_fd_(file_fd), slots_(clients), count_from_(count_from), until_(until),
        interval_(o.rate > 0 ? static_cast<std::uint64_t>(1e9 * o.clients / o.rate) : 0),
        epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    std::memset(&addr_, 0, sizeof addr_);
    addr_.sun_family = AF_UNIX;
    std::strncpy(addr_.sun_path, o.socket.c_str(), sizeof addr_.sun_path - 1);
    const std::uint64_t now = now_ns();
    for (unsigned i = 0; i < clients; ++i) slots_[i].scheduled = now + interval_ * (first + i) / o.clients;
  }

  LoadResult run() {
    struct epoll_event events[256];
    for (;;) {
      std::uint64_t now = now_ns();
      if (now >= until_) break;
      std::uint64_t next = until_;
      for (std::size_t i = 0; i < slots_.size(); ++i) {
        Slot& s = slots_[i];
        if (s.busy) continue;
        if (s.scheduled <= now) start(i);
        if (!s.busy) next = std::min(next, s.scheduled);  // not yet due, or failed at once
      }
      std::uint64_t wait = next > now ? std::min<std::uint64_t>(next - now, 100'000'000) : 0;
      struct timespec timeout = {static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
      int n = ::epoll_pwait2(epoll_.get(), events, 256, &timeout, nullptr);
      for (int e = 0; e < n; ++e) on_readable(events[e].data.u64);
    }
    return std::move(result_);
  }

 private:
  // Connects and sends; a failure is counted and the client is due again.
  void start(std::size_t i) {
    Slot& s = slots_[i];
    if (interval_ == 0) s.scheduled = now_ns();
    s.busy = true;
    s.frame = wire::FrameReader();
    s.received = 0;
    s.sock.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (::connect(s.sock.get(), reinterpret_cast<sockaddr*>(&addr_), sizeof addr_) != 0) return done(i, false);
    // With unique paths every request names the file anew, so no answer
    // the daemon cached fits it (what a client bent on costing it does).
    const std::string request = o_.unique_paths
        ? wire::encode(wire::DecideRequest{o_.file + "#" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + "." + std::to_string(i) + "." + std::to_string(++s.sent), o_.file, 3, {}})
        : std::string();
    const std::string& frame = o_.unique_paths ? request : request_;
    auto msg = FdMessage::to_send(frame.data(), frame.size(), file_fd_);
    // A fresh socket's buffer is empty: a request this small goes in one piece.
    if (::sendmsg(s.sock.get(), msg.get(), MSG_NOSIGNAL) != static_cast<ssize_t>(frame.size())) return done(i, false);
    struct epoll_event ev {};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, s.sock.get(), &ev) != 0) done(i, false);
  }

  // Reads what arrived, up to the end of the reply.
  void on_readable(std::size_t i) {
    Slot& s = slots_[i];
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(s.sock.get(), buf, sizeof buf, 0);
      if (n < 0 && errno == EAGAIN) return;
      if (n <= 0) {  // EOF ends the reference server's reply; ours never ends this way
        return done(i, n == 0 && o_.protocol == Protocol::reference && s.received > 0);
      }
      s.received += static_cast<std::size_t>(n);
      if (o_.protocol == Protocol::reference) continue;
      if (!s.frame.feed(buf, static_cast<std::size_t>(n)).ok()) return done(i, false);
      if (auto m = s.frame.next()) {
        auto reply = m->type == wire::Type::decide_reply ? wire::decode_decide_reply(m->payload)
                                                          : Result<wire::DecideReply>(Code::invalid, "not a decide reply");
        return done(i, reply.ok() && reply->exit_code == 0);
      }
    }
  }

  // The request is over: counted if it started and ended in the window.
  void done(std::size_t i, bool decided) {
    Slot& s = slots_[i];
    const std::uint64_t end = now_ns();
    s.sock.reset();
    s.busy = false;
    const std::uint64_t started = s.scheduled;
    // Paced: due again one interval on. Closed loop: at once, or after a
    // millisecond when it failed (a full backlog would otherwise spin).
    s.scheduled = interval_ > 0 ? s.scheduled + interval_ : decided ? end : end + 1'000'000;
    if (started < count_from_ || end > until_) return;
    if (!decided) {
      ++result_.failures;
      return;
    }
    ++result_.decisions;
    result_.latencies.add(end - started);
  }

  const LoadOptions& o_;
  const std::string& request_;
  const int file_fd_;
  std::vector<Slot> slots_;
  const std::uint64_t count_from_, until_;
  const std::uint64_t interval_;  // paced: between one client's requests; 0: closed loop
  UniqueFd epoll_;
  struct sockaddr_un addr_;
  LoadResult result_;
};

}  // namespace

LoadResult run_load(const LoadOptions& o) {
  UniqueFd file(::open(o.file.c_str(), O_RDONLY | O_CLOEXEC));
  const std::string request = o.protocol == Protocol::scarlet ? wire::encode(wire::DecideRequest{o.file, o.file, 3, {}})
                                                              : o.file;
  const std::uint64_t from = now_ns() + static_cast<std::uint64_t>(std::chrono::nanoseconds(o.warmup).count());
  const std::uint64_t until = from + static_cast<std::uint64_t>(std::chrono::nanoseconds(o.duration).count());
  const unsigned threads = std::max(1u, std::min(o.threads, o.clients));
  std::vector<LoadResult> results(threads);
  std::vector<std::thread> pool;
  for (unsigned t = 0, first = 0; t < threads; ++t) {
    unsigned share = o.clients / threads + (t < o.clients % threads ? 1 : 0);
    pool.emplace_back([&, t, first, share] { results[t] = Loop(o, request, file.get(), first, share, from, until).run(); });
    first += share;
  }
  for (auto& t : pool) t.join();
  LoadResult total;
  total.seconds = std::chrono::duration<double>(o.duration).count();
  for (const auto& r : results) {
    total.decisions += r.decisions;
    total.failures += r.failures;
    total.latencies.merge(r.latencies);
  }
  return total;
}

}  // namespace scarlet::bench
