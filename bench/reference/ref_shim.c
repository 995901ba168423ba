// ref-shim: the floor for an fd-passing binfmt_misc interpreter, in plain C
// (bench only). It does what scarlet-shim does on its fast path and nothing
// more: take the kernel's AT_EXECFD, send it with the path to a one-reply
// server (SCARLET_REF_SOCKET), read the runtime's path back and exec it with
// [runtime, path, args...]. No fallback, no checks: a lower bound.
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char** argv, char** envp) {
  if (argc < 2) return 126;
  int fd = (int)getauxval(AT_EXECFD);
  const char* path = getenv("SCARLET_REF_SOCKET");
  if (!path) return 126;
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
  int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (connect(sock, (struct sockaddr*)&addr, sizeof addr) != 0) return 126;

  struct iovec iov = {argv[1], strlen(argv[1])};
  char control[CMSG_SPACE(sizeof(int))] = {0};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0) return 126;

  // The same 200 ms deadline as scarlet-shim.
  struct pollfd p = {sock, POLLIN, 0};
  if (poll(&p, 1, 200) != 1) return 126;
  char runtime[4096];
  ssize_t n = recv(sock, runtime, sizeof runtime - 1, 0);
  if (n <= 0) return 126;
  runtime[n] = 0;
  close(sock);

  argv[0] = runtime;
  execve(runtime, argv, envp);  // argv[1] is the program's path, then its args
  return 127;
}
