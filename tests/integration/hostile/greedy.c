/* A hostile foreign program for the resource-control tests (issue 14): it
 * takes what it can of tasks or memory and says how far it got.
 *
 *   greedy forkbomb N   tries to keep N children alive at once; prints
 *                       "forkbomb: N of N" (exit 0) or "forkbomb: K of N"
 *                       and why the next fork failed (exit 1)
 *   greedy alloc MB     allocates MB MiB and touches every page; prints
 *                       "alloc: MB MiB touched" (exit 0), or that the
 *                       allocation failed (exit 1); a memory cgroup may
 *                       kill it instead (SIGKILL)
 *   greedy cgroup [S]   prints its own cgroup (v2 line of /proc/self/cgroup:
 *                       under qemu-user, the emulator's, which is the same
 *                       process) and that cgroup's memory.max and pids.max,
 *                       or "absent" where the controller is not there; then
 *                       stays S seconds (so that its scope can be looked at)
 *
 * Nothing is left behind: each child waits on a pipe whose write end only
 * the parent holds, so it ends when the parent does, however the parent
 * ends (killed included); a normal end also kills and reaps them. Built
 * static for aarch64 (tests/CMakeLists.txt) and run through qemu-user. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int forkbomb(long want) {
  int gate[2];
  if (pipe(gate) != 0) {
    perror("forkbomb: pipe");
    return 2;
  }
  pid_t* kids = calloc((size_t)want, sizeof *kids);
  if (!kids) return 2;
  long got = 0;
  int why = 0;
  while (got < want) {
    pid_t pid = fork();
    if (pid < 0) {
      why = errno;
      break;
    }
    if (pid == 0) {
      char c;
      close(gate[1]);
      while (read(gate[0], &c, 1) < 0 && errno == EINTR) {
      }
      _exit(0);
    }
    kids[got++] = pid;
  }
  if (got == want) printf("forkbomb: %ld of %ld\n", got, want);
  else printf("forkbomb: %ld of %ld (fork: %s)\n", got, want, strerror(why));
  fflush(stdout);
  close(gate[1]);
  for (long i = 0; i < got; ++i) kill(kids[i], SIGKILL);
  for (long i = 0; i < got; ++i) waitpid(kids[i], NULL, 0);
  free(kids);
  return got == want ? 0 : 1;
}

static int alloc(long mib) {
  size_t size = (size_t)mib << 20;
  char* p = malloc(size);
  if (!p) {
    printf("alloc: %ld MiB failed (%s)\n", mib, strerror(errno));
    return 1;
  }
  long page = sysconf(_SC_PAGESIZE);
  for (size_t i = 0; i < size; i += (size_t)page) p[i] = (char)i;
  printf("alloc: %ld MiB touched\n", mib);
  free(p);
  return 0;
}

static void show(const char* dir, const char* name) {
  char path[4096], value[64] = "absent\n";
  snprintf(path, sizeof path, "/sys/fs/cgroup%s/%s", dir, name);
  FILE* f = fopen(path, "r");
  if (f) {
    if (!fgets(value, sizeof value, f)) strcpy(value, "unreadable\n");
    fclose(f);
  }
  printf("%s: %s", name, value);
}

static int cgroup(unsigned stay) {
  FILE* f = fopen("/proc/self/cgroup", "r");
  char line[4096];
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, "0::", 3) != 0) continue;
    line[strcspn(line, "\n")] = '\0';
    printf("cgroup: %s\n", line + 3);
    show(line + 3, "memory.max");
    show(line + 3, "pids.max");
    fclose(f);
    fflush(stdout);
    sleep(stay);
    return 0;
  }
  printf("cgroup: no cgroup v2 line\n");
  return 1;
}

int main(int argc, char** argv) {
  if ((argc == 2 || argc == 3) && strcmp(argv[1], "cgroup") == 0) return cgroup(argc == 3 ? (unsigned)atoi(argv[2]) : 0);
  long n = argc == 3 ? strtol(argv[2], NULL, 10) : 0;
  if (argc == 3 && n > 0 && strcmp(argv[1], "forkbomb") == 0) return forkbomb(n);
  if (argc == 3 && n > 0 && strcmp(argv[1], "alloc") == 0) return alloc(n);
  fprintf(stderr, "usage: greedy forkbomb N | greedy alloc MB | greedy cgroup [SECONDS]\n");
  return 2;
}
