#include "server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <boost/asio.hpp>
#include <cstring>
#include <map>
#include <mutex>

namespace scarlet::daemon {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(asio::io_context& io_, UniqueFd listener, ServerOptions o, Handler h, Counters& c)
      : io(io_), acceptor(io_), options(o), handler(std::move(h)), counters(c) {
    acceptor.assign(stream(), listener.release());
  }

  asio::io_context& io;
  stream::acceptor acceptor;
  const ServerOptions options;
  const Handler handler;
  Counters& counters;
  std::mutex mutex;  // guards the connection counts
  std::size_t active = 0;
  std::map<uid_t, std::size_t> per_user;

  void accept();
  bool admit(const Peer& peer);
  void release(const Peer& peer);
};

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Server::Impl> server, stream::socket socket, Peer peer)
      : server_(std::move(server)), socket_(std::move(socket)), timer_(socket_.get_executor()), peer_(peer),
        reader_(wire::kMaxRequest) {}
  ~Connection() { server_->release(peer_); }

  void start() {
    timer_.expires_after(server_->options.deadline);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled: the reply went out
      ++self->server_->counters.timeouts;
      self->close();
    });
    socket_.non_blocking(true);
    wait_readable();
  }

 private:
  void wait_readable() {
    socket_.async_wait(stream::socket::wait_read, [self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return self->close();
      self->on_readable();
    });
  }

  void on_readable() {
    char buf[4096];
    struct iovec iov = {buf, sizeof buf};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
    struct msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(socket_.native_handle(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return wait_readable();
    // Keep the first fd passed; close any others, and drop the client if the
    // kernel had to truncate its ancillary data.
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); n >= 0 && c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (std::size_t i = 0; i < count; ++i) {
        int fd;
        std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
        if (!fd_) fd_.reset(fd);
        else ::close(fd);
      }
    }
    if (n <= 0 || (msg.msg_flags & MSG_CTRUNC)) return close();
    if (Status s = reader_.feed(buf, static_cast<std::size_t>(n)); !s.ok()) {
      ++server_->counters.garbage;
      return close();
    }
    auto request = reader_.next();
    if (!request) return wait_readable();
    reply_ = server_->handler(peer_, *request, std::move(fd_));
    asio::async_write(socket_, asio::buffer(reply_), [self = shared_from_this()](const boost::system::error_code&, std::size_t) {
      self->close();
    });
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
  wire::FrameReader reader_;
  UniqueFd fd_;
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

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(io), [self = shared_from_this()](const boost::system::error_code& ec,
                                                                          stream::socket socket) {
    if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
    if (!ec) {
      Peer peer = peer_of(socket.native_handle());
      if (self->admit(peer)) {
        std::make_shared<Connection>(self, std::move(socket), peer)->start();
      } else {
        ++self->counters.rejected;
        boost::system::error_code ignored;
        socket.close(ignored);
      }
    }
    self->accept();
  });
}

Server::Server(asio::io_context& io, UniqueFd listener, ServerOptions options, Handler handler, Counters& counters)
    : impl_(std::make_shared<Impl>(io, std::move(listener), options, std::move(handler), counters)) {}

Server::~Server() { stop(); }

void Server::start() { impl_->accept(); }

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
