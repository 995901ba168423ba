#include "request_inbox.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace scarlet::daemon {

Inbox::Outcome Inbox::receive(int sock) {
  for (;;) {
    char buf[4096];
    struct iovec iov = {buf, sizeof buf};
    alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
    struct msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return Outcome::incomplete;
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
    if (n <= 0 || (msg.msg_flags & MSG_CTRUNC)) return Outcome::closed;
    if (!reader_.feed(buf, static_cast<std::size_t>(n)).ok()) return Outcome::garbage;
    if ((request_ = reader_.next())) return Outcome::complete;
  }
}

}  // namespace scarlet::daemon
