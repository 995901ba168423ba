#include "scarlet/client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "scarlet/build_config.h"
#include "scarlet/fd_message.h"
#include "scarlet/run_dir.h"
#include "scarlet/unique_fd.h"

namespace scarlet {
namespace {

long now_ms() {
  struct timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1'000'000L;
}

// Waits for `events` until the deadline; false on timeout or error.
bool wait_for(int fd, short events, long deadline) {
  for (;;) {
    long left = deadline - now_ms();
    if (left <= 0) return false;
    struct pollfd p = {fd, events, 0};
    int n = ::poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

// Connects `sock` to `addr` (length `len`); EINPROGRESS counts as connected
// (the request then waits for the socket to be writable).
bool connect_to(int sock, const sockaddr_un& addr, socklen_t len) {
  return ::connect(sock, reinterpret_cast<const sockaddr*>(&addr), len) == 0 || errno == EINPROGRESS;
}

}  // namespace

Result<UniqueFd> connect_daemon(const std::string& run_dir) {
  const std::string path = socket_path(run_dir), name = abstract_socket_name(run_dir);
  struct sockaddr_un addr {};
  if (path.size() >= sizeof addr.sun_path || name.size() + 1 > sizeof addr.sun_path)
    return Result<UniqueFd>(Code::invalid, "socket path too long: " + path);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!sock) return Status::from_errno(errno, "socket");
  if (connect_to(sock.get(), addr, sizeof addr)) return sock;
  const int path_error = errno;  // EAGAIN: backlog full

  std::memset(addr.sun_path, 0, sizeof addr.sun_path);
  std::memcpy(addr.sun_path + 1, name.data(), name.size());
  sock.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!sock) return Status::from_errno(errno, "socket");
  struct ucred server {};
  socklen_t len = sizeof server;
  if (connect_to(sock.get(), addr, static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size())) &&
      ::getsockopt(sock.get(), SOL_SOCKET, SO_PEERCRED, &server, &len) == 0 &&
      believable_abstract_listener(server.uid, server.pid, run_dir == kDefaultRunDir))
    return sock;
  return Status::from_errno(path_error, "connect " + path);
}

Result<DaemonReply> call_daemon(const std::string& run_dir, const std::string& frame, int fd, int timeout_ms,
                                bool believable_only, unsigned* peer_uid) {
  const long deadline = now_ms() + timeout_ms;
  auto connected = connect_daemon(run_dir);
  if (!connected.ok()) return connected.status();
  UniqueFd sock = std::move(connected).value();
  struct ucred server {};
  socklen_t cred_len = sizeof server;
  if (::getsockopt(sock.get(), SOL_SOCKET, SO_PEERCRED, &server, &cred_len) != 0) return Status::from_errno(errno, "SO_PEERCRED");
  if (believable_only && !believable_owner(server.uid, ::getuid()))
    return Result<DaemonReply>(Code::refused, "the daemon at " + socket_path(run_dir) + " runs as uid " +
                                                  std::to_string(server.uid) + ": not believed");
  if (peer_uid) *peer_uid = server.uid;

  // The first sendmsg carries the fd; the kernel attaches it to the first byte.
  // A fresh connection's buffer is empty, so that send is tried at once: it
  // waits (poll) only if the buffer is full, which requests are too small for.
  std::size_t sent = 0;
  for (bool writable = true; sent < frame.size();) {
    if (!writable && !wait_for(sock.get(), POLLOUT, deadline))
      return Result<DaemonReply>(Code::io, "daemon did not answer in time");
    auto msg = FdMessage::to_send(frame.data() + sent, frame.size() - sent, sent == 0 && fd >= 0 ? fd : -1);
    ssize_t n = ::sendmsg(sock.get(), msg.get(), MSG_NOSIGNAL);
    writable = n >= 0;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return Status::from_errno(errno, "send");
    sent += static_cast<std::size_t>(n);
  }

  wire::FrameReader reader;
  DaemonReply reply;
  char buf[4096];
  for (;;) {
    if (auto m = reader.next()) {
      reply.message = *std::move(m);
      return reply;
    }
    if (!wait_for(sock.get(), POLLIN, deadline)) return Result<DaemonReply>(Code::io, "daemon did not answer in time");
    auto msg = FdMessage::to_receive(buf, sizeof buf);
    ssize_t n = ::recvmsg(sock.get(), msg.get(), MSG_CMSG_CLOEXEC);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return Status::from_errno(errno, "recv");
    if (UniqueFd passed(msg.passed_fd()); passed && !reply.fd) reply.fd = std::move(passed);
    if (n == 0) return Result<DaemonReply>(Code::io, "daemon closed the connection");
    if (Status s = reader.feed(buf, static_cast<std::size_t>(n)); !s.ok()) return s;
  }
}

}  // namespace scarlet
