#include "server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <boost/asio.hpp>
#include <cstring>
#include <map>
#include <mutex>

#include "request_inbox.h"

namespace scarlet::daemon {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

// Connections are served in two ways. A client that has sent its whole
// request by the time it is accepted (the shim sends right after connect,
// so nearly every one has) is answered at once on the accepting thread: no
// Asio socket, strand or timer, and no epoll registration — each of those
// costs syscalls and cross-thread wake-ups on every exec. Only a client that
// is not done yet, or a reply that does not fit the socket buffer, becomes a
// Connection, with a deadline, subject to the connection caps.
struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& io_, UniqueFd listener, ServerOptions o, Handler h, Counters& c)
      : io(io_), acceptor(io_), options(o), handler(std::move(h)), counters(c),
        spare(::open("/dev/null", O_RDONLY | O_CLOEXEC)) {
    // Threads race to accept: whoever loses must get EAGAIN, not block.
    ::fcntl(listener.get(), F_SETFL, ::fcntl(listener.get(), F_GETFL) | O_NONBLOCK);
    acceptor.assign(stream(), listener.release());
  }

  asio::io_context& io;
  stream::acceptor acceptor;
  const ServerOptions options;
  const Handler handler;
  Counters& counters;
  UniqueFd spare;    // given up to accept (and shed) a client when fds run out
  std::mutex mutex;  // guards the connection counts
  std::size_t active = 0;
  std::map<uid_t, std::size_t> per_user;

  void wait_for_clients();
  void on_clients();
  void serve(UniqueFd sock);
  void respond(UniqueFd sock, const Peer& peer, Inbox& inbox);
  bool admit(const Peer& peer, bool always = false);
  void release(const Peer& peer);
};

namespace {

// A client served asynchronously: still sending its request, or still
// receiving a long reply. Dropped at its deadline.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Server::Impl> server, UniqueFd sock, Peer peer, Inbox inbox)
      : server_(std::move(server)), socket_(asio::make_strand(server_->io)), timer_(socket_.get_executor()), peer_(peer),
        inbox_(std::move(inbox)) {
    boost::system::error_code ec;
    socket_.assign(stream(), sock.get(), ec);
    if (!ec) sock.release();
  }
  ~Connection() { server_->release(peer_); }

  void wait_for_request() {
    arm_deadline();
    wait_readable();
  }

  void send_rest(std::string reply, std::size_t sent) {
    reply_ = std::move(reply);
    arm_deadline();
    write_from(sent);
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
      case Inbox::Outcome::complete: break;
    }
    reply_ = server_->handler(peer_, inbox_.take_request(), inbox_.take_fd());
    write_from(0);
  }

  void write_from(std::size_t sent) {
    asio::async_write(socket_, asio::buffer(reply_.data() + sent, reply_.size() - sent),
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
  std::string reply_;
};

Peer peer_of(int fd) {
  struct ucred cred {};
  socklen_t len = sizeof cred;
  Peer p;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) p = {cred.pid, cred.uid, cred.gid};
  else p.uid = static_cast<uid_t>(-1);  // unknown: treated as an ordinary user
  return p;
}

}  // namespace

bool Server::Impl::admit(const Peer& peer, bool always) {
  std::lock_guard lock(mutex);
  if (!always && active >= options.max_connections) return false;
  if (!always && peer.uid != 0 && per_user[peer.uid] >= options.max_per_user) return false;
  ++active;
  ++per_user[peer.uid];
  return true;
}

void Server::Impl::release(const Peer& peer) {
  std::lock_guard lock(mutex);
  --active;
  if (--per_user[peer.uid] == 0) per_user.erase(peer.uid);
}

void Server::Impl::wait_for_clients() {
  acceptor.async_wait(stream::acceptor::wait_read, [self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || !self->acceptor.is_open()) return;  // stopped
    self->on_clients();
  });
}

// Takes the clients waiting, up to a batch. Waiting resumes as soon as the
// first is taken, so another thread can take the next ones while this one
// serves; under load both keep accepting without going back to epoll. The
// batch is bounded so timers and slow connections get their turn.
void Server::Impl::on_clients() {
  constexpr int kBatch = 16;
  for (int taken = 0; taken < kBatch; ++taken) {
    UniqueFd sock(::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!sock && (errno == EMFILE || errno == ENFILE)) {
      // Out of fds, the backlog would stay ready and waiting on it would
      // spin: shed the oldest client instead (its shim decides alone).
      spare.reset();
      if (UniqueFd shed(::accept4(acceptor.native_handle(), nullptr, nullptr, SOCK_CLOEXEC)); shed) ++counters.rejected;
      spare.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    }
    if (taken == 0) wait_for_clients();
    if (!sock) return;
    serve(std::move(sock));
  }
}

void Server::Impl::serve(UniqueFd sock) {
  const Peer peer = peer_of(sock.get());
  Inbox inbox;
  switch (inbox.receive(sock.get())) {
    case Inbox::Outcome::complete: return respond(std::move(sock), peer, inbox);
    case Inbox::Outcome::garbage: ++counters.garbage; return;
    case Inbox::Outcome::closed: return;
    case Inbox::Outcome::incomplete: break;
  }
  if (!admit(peer)) {
    ++counters.rejected;
    return;
  }
  std::make_shared<Connection>(shared_from_this(), std::move(sock), peer, std::move(inbox))->wait_for_request();
}

void Server::Impl::respond(UniqueFd sock, const Peer& peer, Inbox& inbox) {
  std::string reply = handler(peer, inbox.take_request(), inbox.take_fd());
  ssize_t n = ::send(sock.get(), reply.data(), reply.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n < 0 && errno != EAGAIN) return;  // the client is gone
  auto sent = static_cast<std::size_t>(n < 0 ? 0 : n);
  if (sent == reply.size()) return;
  // The rest of a long reply goes out as the client reads it. It was asked
  // for and answered, so it is not turned away at the caps.
  admit(peer, true);
  std::make_shared<Connection>(shared_from_this(), std::move(sock), peer, Inbox())->send_rest(std::move(reply), sent);
}

Server::Server(asio::io_context& io, UniqueFd listener, ServerOptions options, Handler handler, Counters& counters)
    : impl_(std::make_shared<Impl>(io, std::move(listener), options, std::move(handler), counters)) {}

Server::~Server() { stop(); }

void Server::start() { impl_->wait_for_clients(); }

void Server::stop() {
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
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

}  // namespace scarlet::daemon
