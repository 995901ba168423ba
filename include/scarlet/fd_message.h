// FdMessage: a msghdr over one buffer with room for one passed fd
// (SCM_RIGHTS), for sendmsg(2) and recvmsg(2). Its control buffer holds a
// single fd, so when a peer passes more the kernel keeps the first and
// closes the rest (MSG_CTRUNC). Header-only and free of C library calls:
// the shim's fast path, which runs before the C library, uses it too.
// Thread-safety: a plain value, not copyable (the msghdr points into it).
#pragma once

#include <sys/socket.h>

#include <cstddef>

namespace scarlet {

class FdMessage {
 public:
  // `size` bytes at `data` to send, with `fd` if it is not -1.
  static FdMessage to_send(const void* data, std::size_t size, int fd) noexcept { return FdMessage(data, size, fd); }
  // Room for `size` bytes at `data` and one fd, to receive into.
  static FdMessage to_receive(void* data, std::size_t size) noexcept { return FdMessage(data, size, kReceive); }

  FdMessage(const FdMessage&) = delete;
  FdMessage& operator=(const FdMessage&) = delete;

  msghdr* get() noexcept { return &msg_; }
  // After recvmsg: the fd that came with the bytes, or -1. The caller owns it.
  int passed_fd() noexcept {
    if (msg_.msg_controllen < CMSG_LEN(sizeof(int))) return -1;
    const cmsghdr* c = CMSG_FIRSTHDR(&msg_);
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
      return -1;
    return *reinterpret_cast<const int*>(CMSG_DATA(c));
  }

 private:
  static constexpr int kReceive = -2;

  FdMessage(const void* data, std::size_t size, int fd) noexcept {
    iov_.iov_base = const_cast<void*>(data);
    iov_.iov_len = size;
    msg_.msg_iov = &iov_;
    msg_.msg_iovlen = 1;
    if (fd == -1) return;  // nothing to send but the bytes
    msg_.msg_control = control_;
    msg_.msg_controllen = sizeof control_;
    if (fd == kReceive) return;
    cmsghdr* c = CMSG_FIRSTHDR(&msg_);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    *reinterpret_cast<int*>(CMSG_DATA(c)) = fd;
  }

  iovec iov_{};
  alignas(cmsghdr) char control_[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg_{};
};

}  // namespace scarlet
