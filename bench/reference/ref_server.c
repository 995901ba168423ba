// ref-server: the one-reply server ref-shim talks to (bench only). One
// thread, blocking calls: accept, receive the request and its fd, fstat the
// fd (as a decision would), send back the runtime path given on the command
// line, close. The floor for a daemon round trip on this machine.
//   ref-server SOCKET RUNTIME
#define _GNU_SOURCE  // accept4
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: ref-server SOCKET RUNTIME\n");
    return 2;
  }
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
  unlink(argv[1]);
  int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (bind(listener, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(listener, SOMAXCONN) != 0) {
    perror(argv[1]);
    return 1;
  }
  const size_t runtime_len = strlen(argv[2]);
  for (;;) {
    int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) continue;
    char buf[4096];
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {buf, sizeof buf};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    if (recvmsg(c, &msg, MSG_CMSG_CLOEXEC) > 0) {
      struct cmsghdr* h = CMSG_FIRSTHDR(&msg);
      if (h && h->cmsg_type == SCM_RIGHTS) {
        int fd;
        memcpy(&fd, CMSG_DATA(h), sizeof fd);
        struct stat st;
        fstat(fd, &st);
        close(fd);
      }
      send(c, argv[2], runtime_len, MSG_NOSIGNAL);
    }
    close(c);
  }
}
