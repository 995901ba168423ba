#include "scarlet/client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

}  // namespace

Result<wire::Message> call_daemon(const std::string& path, const std::string& frame, int fd, int timeout_ms) {
  const long deadline = now_ms() + timeout_ms;
  struct sockaddr_un addr {};
  if (path.size() >= sizeof addr.sun_path) return Result<wire::Message>(Code::invalid, "socket path too long");
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);

  UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!sock) return Status::from_errno(errno, "socket");
  if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS)
    return Status::from_errno(errno, "connect " + path);  // EAGAIN: backlog full

  // The first sendmsg carries the fd; the kernel attaches it to the first byte.
  // A fresh connection's buffer is empty, so that send is tried at once: it
  // waits (poll) only if the buffer is full, which requests are too small for.
  std::size_t sent = 0;
  for (bool writable = true; sent < frame.size();) {
    if (!writable && !wait_for(sock.get(), POLLOUT, deadline))
      return Result<wire::Message>(Code::io, "daemon did not answer in time");
    struct iovec iov = {const_cast<char*>(frame.data() + sent), frame.size() - sent};
    struct msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    if (sent == 0 && fd >= 0) {
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int));
      std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    ssize_t n = ::sendmsg(sock.get(), &msg, MSG_NOSIGNAL);
    writable = n >= 0;
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return Status::from_errno(errno, "send");
    sent += static_cast<std::size_t>(n);
  }

  wire::FrameReader reader;
  char buf[4096];
  for (;;) {
    if (auto m = reader.next()) return *std::move(m);
    if (!wait_for(sock.get(), POLLIN, deadline)) return Result<wire::Message>(Code::io, "daemon did not answer in time");
    ssize_t n = ::recv(sock.get(), buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return Status::from_errno(errno, "recv");
    if (n == 0) return Result<wire::Message>(Code::io, "daemon closed the connection");
    if (Status s = reader.feed(buf, static_cast<std::size_t>(n)); !s.ok()) return s;
  }
}

}  // namespace scarlet
