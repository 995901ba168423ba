/* nosy: a hostile foreign program for the confinement tests
 * (tests/integration/confine_test.cc). Built static for aarch64, it runs
 * under qemu-user through binfmt_misc and tries one thing per call:
 *
 *   nosy read FILE      read FILE and print its first line
 *   nosy write FILE     create FILE and write a line to it
 *   nosy connect PORT   connect to TCP PORT on 127.0.0.1
 *   nosy signal PID     send SIGTERM to PID
 *
 * It prints "ACTION: ok" and exits 0 when it succeeded, "ACTION: denied
 * (errno text)" and exits 1 when it did not, so a test sees both ways. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int report(const char *action, int ok, const char *detail) {
  if (ok) printf("%s: ok%s%s\n", action, detail ? " " : "", detail ? detail : "");
  else printf("%s: denied (%s)\n", action, strerror(errno));
  return ok ? 0 : 1;
}

static int do_read(const char *file) {
  char line[256] = {0};
  int fd = open(file, O_RDONLY);
  if (fd < 0) return report("read", 0, NULL);
  ssize_t n = read(fd, line, sizeof line - 1);
  close(fd);
  if (n < 0) return report("read", 0, NULL);
  line[strcspn(line, "\n")] = '\0';
  return report("read", 1, line);
}

static int do_write(const char *file) {
  int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return report("write", 0, NULL);
  int ok = write(fd, "nosy was here\n", 14) == 14;
  close(fd);
  return report("write", ok, NULL);
}

static int do_connect(const char *port) {
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)atoi(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return report("connect", 0, NULL);
  int ok = connect(s, (struct sockaddr *)&addr, sizeof addr) == 0;
  close(s);
  return report("connect", ok, NULL);
}

static int do_signal(const char *pid) {
  return report("signal", kill((pid_t)atoi(pid), SIGTERM) == 0, NULL);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc != 3) {
    fprintf(stderr, "usage: nosy read FILE | write FILE | connect PORT | signal PID\n");
    return 2;
  }
  if (strcmp(argv[1], "read") == 0) return do_read(argv[2]);
  if (strcmp(argv[1], "write") == 0) return do_write(argv[2]);
  if (strcmp(argv[1], "connect") == 0) return do_connect(argv[2]);
  if (strcmp(argv[1], "signal") == 0) return do_signal(argv[2]);
  fprintf(stderr, "nosy: unknown action %s\n", argv[1]);
  return 2;
}
