#include "server.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <cstddef>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "peer_budget.h"
#include "request_inbox.h"
#include "scarlet/fd_message.h"

namespace scarlet::daemon {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

// Connections are served in two ways. Accepting is done by a few threads of
// the server's own, each blocked in epoll_wait on the listener (with
// EPOLLEXCLUSIVE, so one connection wakes one thread). A decide request that
// is whole by the time it is accepted (the shim sends right after connect,
// so nearly every one is) is answered at once on that thread, with plain
// syscalls: no Asio socket, strand, timer or handler hand-off, each of which
// costs syscalls and cross-thread wake-ups on every exec. Everything else —
// a client not done sending, any other verb (a reload or a status can take
// a while, and must not hold up execs), a reply that does not fit the
// socket buffer — becomes a Connection on the io_context, with a deadline,
// subject to the connection caps.
struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& io_, std::vector<UniqueFd> listeners_, ServerOptions o, Handler h, Counters& c)
      : io(io_), listeners(std::move(listeners_)), options(o), handler(std::move(h)), counters(c),
        stopping(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)), spare(::open("/dev/null", O_RDONLY | O_CLOEXEC)),
        budget(BudgetOptions{}) {
    // Threads race to accept: whoever loses must get EAGAIN, not block.
    for (const auto& l : listeners) {
      ::fcntl(l.get(), F_SETFL, ::fcntl(l.get(), F_GETFL) | O_NONBLOCK);
      struct sockaddr_un addr {};
      socklen_t length = sizeof addr;
      abstract.push_back(::getsockname(l.get(), reinterpret_cast<sockaddr*>(&addr), &length) == 0 &&
                         length > offsetof(sockaddr_un, sun_path) && addr.sun_path[0] == '\0');
    }
  }

  asio::io_context& io;
  std::vector<UniqueFd> listeners;  // closed by stop(), so clients that come after fail at once
  // Per listener: an abstract address, which only shims in a chroot use
  // (client.h). Only their answers carry the runtime's fd: everyone else
  // opens the runtime by its path, and passing an fd costs both sides.
  std::vector<bool> abstract;
  const ServerOptions options;
  const Handler handler;
  Counters& counters;
  const UniqueFd stopping;  // readable once stop() was called
  std::vector<std::thread> acceptors;
  // While serving, slow clients may come at any time: the io_context must
  // not run out of work (and return from run()) in between.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> serving;
  std::mutex mutex;  // guards the connection counts and `spare`
  UniqueFd spare;    // given up to accept (and shed) a client when fds run out
  std::size_t active = 0;
  std::map<uid_t, std::size_t> per_user;
  PeerBudget budget;  // each user's share of the threads that answer

  // The handler's answer to a request the budget admitted.
  Answer answer_admitted(const Peer& peer, Inbox& inbox, bool pass_fd);
  // The answer to a request answered off the accepting threads, or none when
  // the peer's budget is spent (then the connection is closed unanswered,
  // and the shim decides alone).
  std::optional<Answer> answer_queued(const Peer& peer, Inbox& inbox, bool pass_fd);

  void accept_loop();
  void take_clients(int listener);
  void serve(UniqueFd sock, bool pass_fd);
  void respond(UniqueFd sock, const Peer& peer, Inbox& inbox, bool pass_fd);
  bool admit(const Peer& peer);
  void release(const Peer& peer);
};

namespace {

// Sends as much of `answer`'s frame as the socket takes now, its runtime fd
// (if any) with the first byte. What send(2) returns.
ssize_t send_answer(int sock, const Answer& answer) {
  auto msg = FdMessage::to_send(answer.frame.data(), answer.frame.size(), answer.runtime ? answer.runtime->get() : -1);
  return ::sendmsg(sock, msg.get(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

// A client served asynchronously: still sending its request, or still
// receiving a long reply. Dropped at its deadline.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Server::Impl> server, UniqueFd sock, Peer peer, Inbox inbox, bool pass_fd)
      : server_(std::move(server)), socket_(asio::make_strand(server_->io)), timer_(socket_.get_executor()), peer_(peer),
        inbox_(std::move(inbox)), pass_fd_(pass_fd) {
    boost::system::error_code ec;
    socket_.assign(stream(), sock.get(), ec);
    if (!ec) sock.release();
  }
  ~Connection() { server_->release(peer_); }

  // Both start the connection on its strand: the accepting thread is not one
  // of the io_context's.
  void wait_for_request() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      self->arm_deadline();
      self->wait_readable();
    });
  }

  // The request is in already: answers it on the io_context.
  void answer() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      self->arm_deadline();
      self->respond();
    });
  }

  void send_rest(Answer reply, std::size_t sent) {
    reply_ = std::move(reply);
    asio::dispatch(socket_.get_executor(), [self = shared_from_this(), sent] {
      self->arm_deadline();
      self->write_from(sent);
    });
  }

 private:
  void arm_deadline() {
    timer_.expires_after(server_->options.deadline);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled: the connection is done
      ++self->server_->counters.timeouts;
      self->close();
    });
  }

  void wait_readable() {
    socket_.async_wait(stream::socket::wait_read, [self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return self->close();
      self->on_readable();
    });
  }

  void on_readable() {
    switch (inbox_.receive(socket_.native_handle())) {
      case Inbox::Outcome::incomplete: return wait_readable();
      case Inbox::Outcome::garbage: ++server_->counters.garbage; return close();
      case Inbox::Outcome::closed: return close();
      case Inbox::Outcome::complete: return respond();
    }
  }

  void respond() {
    auto reply = server_->answer_queued(peer_, inbox_, pass_fd_);
    if (!reply) return close();
    reply_ = std::move(*reply);
    write_from(0);
  }

  // The first bytes carry the answer's fd; a fresh connection's buffer takes
  // them at once, else this waits until it can.
  void write_from(std::size_t sent) {
    if (sent == 0) {
      ssize_t n = send_answer(socket_.native_handle(), reply_);
      if (n < 0 && errno != EAGAIN) return close();
      if (n < 0) {
        socket_.async_wait(stream::socket::wait_write, [self = shared_from_this()](const boost::system::error_code& ec) {
          if (ec) return self->close();
          self->write_from(0);
        });
        return;
      }
      sent = static_cast<std::size_t>(n);
    }
    const std::string& frame = reply_.frame;
    asio::async_write(socket_, asio::buffer(frame.data() + sent, frame.size() - sent),
                      [self = shared_from_this()](const boost::system::error_code&, std::size_t) { self->close(); });
  }

  void close() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.close(ignored);
  }

  std::shared_ptr<Server::Impl> server_;
  stream::socket socket_;
  asio::steady_timer timer_;
  Peer peer_;
  Inbox inbox_;
  const bool pass_fd_;
  Answer reply_;
};

Peer peer_of(int fd) {
  struct ucred cred {};
  socklen_t len = sizeof cred;
  Peer p;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) p = {cred.pid, cred.uid, cred.gid};
  else p.uid = static_cast<uid_t>(-1);  // unknown: treated as an ordinary user
  p.connection = fd;
  return p;
}

// Half the CPUs (at most 4): the clients are local processes, and each
// request costs a shim about as much kernel time as it costs the daemon, so
// more threads than that only preempt the clients they wait for (measured in
// docs/benchmarks.md: on 2 CPUs, 1 thread gives the same throughput as 2
// and a shorter tail). But at least 2: one user may keep one of them busy
// with a costly decision (BudgetOptions::max_in_flight), and the others'
// execs must still find a thread (issue 11, finding 5).
unsigned accept_threads(const ServerOptions& o) {
  if (o.accept_threads > 0) return o.accept_threads;
  return std::clamp((std::thread::hardware_concurrency() + 1) / 2, 2u, 4u);
}

std::chrono::nanoseconds thread_cpu_time() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

}  // namespace

bool Server::Impl::admit(const Peer& peer) {
  std::lock_guard lock(mutex);
  if (active >= options.max_connections) return false;
  if (peer.uid != 0 && per_user[peer.uid] >= options.max_per_user) return false;
  ++active;
  ++per_user[peer.uid];
  return true;
}

void Server::Impl::release(const Peer& peer) {
  std::lock_guard lock(mutex);
  --active;
  if (--per_user[peer.uid] == 0) per_user.erase(peer.uid);
}

void Server::Impl::accept_loop() {
  // Signals are for the io_context's threads (the daemon's signal_set).
  sigset_t all;
  sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, nullptr);
  UniqueFd ep(::epoll_create1(EPOLL_CLOEXEC));
  constexpr int kStop = -1;
  struct epoll_event on_stop {};
  on_stop.events = EPOLLIN;
  on_stop.data.fd = kStop;
  if (::epoll_ctl(ep.get(), EPOLL_CTL_ADD, stopping.get(), &on_stop) != 0) return;
  for (const auto& l : listeners) {
    struct epoll_event on_client {};
    on_client.events = EPOLLIN | EPOLLEXCLUSIVE;
    on_client.data.fd = l.get();
    if (::epoll_ctl(ep.get(), EPOLL_CTL_ADD, l.get(), &on_client) != 0) return;
  }
  for (;;) {
    struct epoll_event events[4];
    int n = ::epoll_wait(ep.get(), events, 4, -1);
    if (n < 0 && errno != EINTR) return;
    for (int i = 0; i < n; ++i)
      if (events[i].data.fd == kStop) return;
    for (int i = 0; i < n; ++i) take_clients(events[i].data.fd);
  }
}

// Takes the clients waiting, up to a batch (then looks for stop() again);
// the listener is level-triggered, so what is left wakes a thread at once.
void Server::Impl::take_clients(int listener) {
  constexpr int kBatch = 16;
  bool pass_fd = false;
  for (std::size_t i = 0; i < listeners.size(); ++i)
    if (listeners[i].get() == listener) pass_fd = abstract[i];
  for (int taken = 0; taken < kBatch; ++taken) {
    UniqueFd sock(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!sock && (errno == EMFILE || errno == ENFILE)) {
      // Out of fds, the backlog would stay ready and waiting on it would
      // spin: shed the oldest client instead (its shim decides alone).
      std::lock_guard lock(mutex);
      spare.reset();
      if (UniqueFd shed(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC)); shed) ++counters.rejected;
      spare.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    }
    if (!sock) return;
    serve(std::move(sock), pass_fd);
  }
}

void Server::Impl::serve(UniqueFd sock, bool pass_fd) {
  const Peer peer = peer_of(sock.get());
  Inbox inbox;
  const Inbox::Outcome got = inbox.receive(sock.get());
  if (got == Inbox::Outcome::garbage) ++counters.garbage;
  if (got == Inbox::Outcome::garbage || got == Inbox::Outcome::closed) return;
  if (got == Inbox::Outcome::complete && inbox.request().type == wire::Type::decide) {
    switch (budget.admit(peer.uid)) {
      case PeerBudget::Verdict::go: return respond(std::move(sock), peer, inbox, pass_fd);
      case PeerBudget::Verdict::spent: ++counters.rejected; return;
      case PeerBudget::Verdict::busy: break;  // answered on the io_context, off these threads
    }
  }
  if (!admit(peer)) {
    ++counters.rejected;
    return;
  }
  auto connection = std::make_shared<Connection>(shared_from_this(), std::move(sock), peer, std::move(inbox), pass_fd);
  if (got == Inbox::Outcome::complete) connection->answer();
  else connection->wait_for_request();
}

Answer Server::Impl::answer_admitted(const Peer& peer, Inbox& inbox, bool pass_fd) {
  const auto started = thread_cpu_time();
  Answer reply = handler(peer, inbox.take_request(), inbox.take_fd());
  budget.done(peer.uid, thread_cpu_time() - started);
  if (!pass_fd) reply.runtime.reset();
  return reply;
}

std::optional<Answer> Server::Impl::answer_queued(const Peer& peer, Inbox& inbox, bool pass_fd) {
  if (budget.admit(peer.uid, true) == PeerBudget::Verdict::spent) {
    ++counters.rejected;
    return std::nullopt;
  }
  return answer_admitted(peer, inbox, pass_fd);
}

void Server::Impl::respond(UniqueFd sock, const Peer& peer, Inbox& inbox, bool pass_fd) {
  Answer reply = answer_admitted(peer, inbox, pass_fd);
  ssize_t n = send_answer(sock.get(), reply);
  if (n < 0 && errno != EAGAIN) return;  // the client is gone
  auto sent = static_cast<std::size_t>(n < 0 ? 0 : n);
  if (sent == reply.frame.size()) return;
  // The rest of a long reply goes out as the client reads it, within the
  // caps like any connection: a client that does not read would otherwise
  // hold connections beyond them (issue 11, finding 7). Turned away, its
  // shim decides alone.
  if (!admit(peer)) {
    ++counters.rejected;
    return;
  }
  std::make_shared<Connection>(shared_from_this(), std::move(sock), peer, Inbox(), pass_fd)->send_rest(std::move(reply), sent);
}

Server::Server(asio::io_context& io, std::vector<UniqueFd> listeners, ServerOptions options, Handler handler,
               Counters& counters)
    : impl_(std::make_shared<Impl>(io, std::move(listeners), options, std::move(handler), counters)) {}

Server::~Server() { stop(); }

void Server::start() {
  impl_->serving.emplace(impl_->io.get_executor());
  for (unsigned i = accept_threads(impl_->options); i > 0; --i)
    impl_->acceptors.emplace_back([impl = impl_] { impl->accept_loop(); });
}

void Server::stop() {
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(impl_->stopping.get(), &one, sizeof one);
  for (auto& t : impl_->acceptors)
    if (t.joinable()) t.join();
  impl_->acceptors.clear();
  impl_->listeners.clear();
  impl_->serving.reset();
}
Result<UniqueFd> listen_unix(const std::string& path) {
  struct sockaddr_un addr {};
  if (path.size() >= sizeof addr.sun_path) return Result<UniqueFd>(Code::invalid, "socket path too long: " + path);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) return Result<UniqueFd>(Code::refused, path + " exists and is not a socket");
    ::unlink(path.c_str());
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return Status::from_errno(errno, "socket");
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return Status::from_errno(errno, "bind " + path);
  ::chmod(path.c_str(), 0666);
  if (::listen(fd.get(), SOMAXCONN) != 0) return Status::from_errno(errno, "listen " + path);
  return fd;
}

Result<UniqueFd> listen_abstract(const std::string& name) {
  struct sockaddr_un addr {};
  if (name.size() + 1 > sizeof addr.sun_path) return Result<UniqueFd>(Code::invalid, "abstract socket name too long: " + name);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path + 1, name.data(), name.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return Status::from_errno(errno, "socket");
  auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), length) != 0) return Status::from_errno(errno, "bind @" + name);
  if (::listen(fd.get(), SOMAXCONN) != 0) return Status::from_errno(errno, "listen @" + name);
  return fd;
}

}  // namespace scarlet::daemon
