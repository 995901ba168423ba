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
  std::uint64_t started = 0;
  wire::FrameReader frame;
  std::size_t received = 0;
};

// One thread's share of the clients, driven by one epoll instance.
class Loop {
 public:
  Loop(const LoadOptions& o, const std::string& request, int file_fd, unsigned clients, std::uint64_t count_from,
       std::uint64_t until)
      : o_(o), request_(request), file_fd_(file_fd), slots_(clients), count_from_(count_from), until_(until),
        epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    std::memset(&addr_, 0, sizeof addr_);
    addr_.sun_family = AF_UNIX;
    std::strncpy(addr_.sun_path, o.socket.c_str(), sizeof addr_.sun_path - 1);
  }

  LoadResult run() {
    std::vector<std::size_t> retry;
    for (std::size_t i = 0; i < slots_.size(); ++i)
      if (!start(i)) retry.push_back(i);
    struct epoll_event events[256];
    while (now_ns() < until_) {
      int n = ::epoll_wait(epoll_.get(), events, 256, retry.empty() ? 100 : 1);
      for (int e = 0; e < n; ++e) {
        std::size_t i = events[e].data.u64;
        if (!on_readable(i) && !start(i)) retry.push_back(i);
      }
      // Clients whose connect was refused (a full backlog) try again.
      std::vector<std::size_t> again;
      for (std::size_t i : retry)
        if (!start(i)) again.push_back(i);
      retry.swap(again);
    }
    return std::move(result_);
  }

 private:
  // Connects and sends; false (counted as a failure) when that failed.
  bool start(std::size_t i) {
    Slot& s = slots_[i];
    s.started = now_ns();
    s.frame = wire::FrameReader();
    s.received = 0;
    s.sock.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (::connect(s.sock.get(), reinterpret_cast<sockaddr*>(&addr_), sizeof addr_) != 0) return fail(i);
    struct iovec iov = {const_cast<char*>(request_.data()), request_.size()};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    struct msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &file_fd_, sizeof file_fd_);
    // A fresh socket's buffer is empty: a request this small goes in one piece.
    if (::sendmsg(s.sock.get(), &msg, MSG_NOSIGNAL) != static_cast<ssize_t>(request_.size())) return fail(i);
    struct epoll_event ev {};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, s.sock.get(), &ev) != 0) return fail(i);
    return true;
  }

  // Reads what arrived; true while the reply is still incomplete.
  bool on_readable(std::size_t i) {
    Slot& s = slots_[i];
    char buf[4096];
    for (;;) {
      ssize_t n = ::recv(s.sock.get(), buf, sizeof buf, 0);
      if (n < 0 && errno == EAGAIN) return true;
      if (n < 0) return !fail(i);
      if (n == 0) {  // EOF: the reference server's reply is complete; ours never ends this way
        if (o_.protocol == Protocol::reference && s.received > 0) return !done(i, true);
        return !fail(i);
      }
      s.received += static_cast<std::size_t>(n);
      if (o_.protocol == Protocol::reference) continue;
      if (!s.frame.feed(buf, static_cast<std::size_t>(n)).ok()) return !fail(i);
      if (auto m = s.frame.next()) {
        auto reply = m->type == wire::Type::decide_reply ? wire::decode_decide_reply(m->payload)
                                                          : Result<wire::DecideReply>(Code::invalid, "not a decide reply");
        return !done(i, reply.ok() && reply->exit_code == 0);
      }
    }
  }

  bool done(std::size_t i, bool decided) {
    Slot& s = slots_[i];
    std::uint64_t end = now_ns();
    s.sock.reset();
    if (s.started < count_from_ || end > until_) return true;
    if (!decided) {
      ++result_.failures;
      return true;
    }
    ++result_.decisions;
    result_.latencies.add(end - s.started);
    return true;
  }

  bool fail(std::size_t i) {
    done(i, false);
    return false;
  }

  const LoadOptions& o_;
  const std::string& request_;
  const int file_fd_;
  std::vector<Slot> slots_;
  const std::uint64_t count_from_, until_;
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
  for (unsigned t = 0; t < threads; ++t) {
    unsigned share = o.clients / threads + (t < o.clients % threads ? 1 : 0);
    pool.emplace_back([&, t, share] { results[t] = Loop(o, request, file.get(), share, from, until).run(); });
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
