// scarlet-hostile: attacks a daemon socket with misbehaving clients, each
// kind keeping its number of connections open (reconnecting as the daemon
// drops them) until the time is up:
//   idle     connect and send nothing
//   random   send 64 KiB of random bytes
//   garbage  send a frame header the protocol rejects (bad magic, version,
//            type or length, or a well-formed header over a malformed payload)
//   slow     send a valid request one byte per second
// Prints one line of totals. Used by tests/integration/hostile_test.cc.
//   scarlet-hostile SOCKET SECONDS IDLE RANDOM GARBAGE SLOW
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "scarlet/protocol.h"
#include "scarlet/unique_fd.h"

using scarlet::UniqueFd;
namespace wire = scarlet::wire;

namespace {

enum class Kind { idle, random, garbage, slow };

struct Attacker {
  Kind kind;
  UniqueFd sock;
  std::string payload;  // what is left to send
  long next_ms = 0;       // slow: when the next byte goes; dropped: when to reconnect
};

struct Totals {
  long connections = 0, refused = 0, dropped = 0, bytes = 0;
};

long now_ms() {
  struct timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1'000'000L;
}

std::string header(const char* magic, std::uint16_t version, std::uint16_t type, std::uint32_t length) {
  std::string h(magic, 4);
  for (int i = 0; i < 2; ++i) h += static_cast<char>(version >> (8 * i));
  for (int i = 0; i < 2; ++i) h += static_cast<char>(type >> (8 * i));
  for (int i = 0; i < 4; ++i) h += static_cast<char>(length >> (8 * i));
  return h;
}

// 64 KiB of random bytes, made once: generating them per connection would
// make the attacker CPU-bound, and this attack is about the daemon's input.
const std::string& random_block() {
  static const std::string block = [] {
    std::mt19937 rng(12345);
    std::string bytes(64 * 1024, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    return bytes;
  }();
  return block;
}

// The bytes a client of this kind sends on one connection.
std::string payload_for(Kind kind, long serial) {
  switch (kind) {
    case Kind::idle: return {};
    case Kind::random: return random_block();
    case Kind::garbage:
      switch (serial % 5) {
        case 0: return header("SCRX", wire::kVersion, 1, 8) + "12345678";
        case 1: return header("SCRT", 99, 1, 8) + "12345678";
        case 2: return header("SCRT", wire::kVersion, 7777, 8) + "12345678";
        case 3: return header("SCRT", wire::kVersion, 1, 0x7fffffff);
        default: return header("SCRT", wire::kVersion, 1, 8) + "\xff\xff\xff\xff\xff\xff\xff\xff";
      }
    case Kind::slow: return wire::encode(wire::DecideRequest{"/nonexistent/slow", std::nullopt, 3, {}});
  }
  return {};
}

class Attack {
 public:
  Attack(const std::string& socket_path, const std::vector<Kind>& kinds) : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    std::memset(&addr_, 0, sizeof addr_);
    addr_.sun_family = AF_UNIX;
    std::strncpy(addr_.sun_path, socket_path.c_str(), sizeof addr_.sun_path - 1);
    for (Kind k : kinds) attackers_.push_back(Attacker{k, UniqueFd(), {}, 0});
  }

  Totals run(long seconds) {
    const long end = now_ms() + seconds * 1000;
    for (std::size_t i = 0; i < attackers_.size(); ++i) open(i);
    struct epoll_event events[64];
    while (now_ms() < end) {
      int n = ::epoll_wait(epoll_.get(), events, 64, 100);
      for (int e = 0; e < n; ++e) on_event(events[e].data.u64, events[e].events);
      for (std::size_t i = 0; i < attackers_.size(); ++i) {
        Attacker& a = attackers_[i];
        if (!a.sock && now_ms() >= a.next_ms) open(i);
        else if (a.sock && a.kind == Kind::slow && !a.payload.empty() && now_ms() >= a.next_ms) send_some(i, 1);
      }
    }
    return totals_;
  }

 private:
  void open(std::size_t i) {
    Attacker& a = attackers_[i];
    a.sock.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (::connect(a.sock.get(), reinterpret_cast<sockaddr*>(&addr_), sizeof addr_) != 0) {
      ++totals_.refused;  // a full backlog
      return retry_later(a);
    }
    ++totals_.connections;
    a.payload = payload_for(a.kind, totals_.connections);
    struct epoll_event ev {};
    ev.events = EPOLLIN | EPOLLRDHUP;
    if (a.kind == Kind::random || a.kind == Kind::garbage) ev.events |= EPOLLOUT;
    ev.data.u64 = i;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, a.sock.get(), &ev);
    // Sent at once, as a shim would: most of it is in before the daemon accepts.
    if (a.kind == Kind::slow) send_some(i, 1);
    else if (!a.payload.empty()) send_some(i, a.payload.size());
  }

  void send_some(std::size_t i, std::size_t at_most) {
    Attacker& a = attackers_[i];
    ssize_t n = ::send(a.sock.get(), a.payload.data(), std::min(at_most, a.payload.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno != EAGAIN) return dropped(i);
    if (n > 0) {
      totals_.bytes += n;
      a.payload.erase(0, static_cast<std::size_t>(n));
    }
    a.next_ms = now_ms() + 1000;
  }

  void on_event(std::size_t i, std::uint32_t events) {
    Attacker& a = attackers_[i];
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) return dropped(i);  // the daemon hung up on us
    if ((events & EPOLLOUT) && !a.payload.empty()) send_some(i, a.payload.size());
    if (a.payload.empty() && (events & EPOLLOUT)) {
      struct epoll_event ev {};
      ev.events = EPOLLIN | EPOLLRDHUP;
      ev.data.u64 = i;
      ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, a.sock.get(), &ev);
    }
  }

  void dropped(std::size_t i) {
    ++totals_.dropped;
    retry_later(attackers_[i]);
  }

  // Reconnects a little later: a client the daemon turned away at once would
  // otherwise spin, and this attack is about holding connections, not CPU.
  void retry_later(Attacker& a) {
    a.sock.reset();
    a.next_ms = now_ms() + 100;
  }

  UniqueFd epoll_;
  struct sockaddr_un addr_;
  std::vector<Attacker> attackers_;
  Totals totals_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fputs("usage: scarlet-hostile SOCKET SECONDS IDLE RANDOM GARBAGE SLOW\n", stderr);
    return 2;
  }
  std::vector<Kind> kinds;
  const Kind order[] = {Kind::idle, Kind::random, Kind::garbage, Kind::slow};
  for (int k = 0; k < 4; ++k) kinds.insert(kinds.end(), static_cast<std::size_t>(std::atoi(argv[3 + k])), order[k]);
  Totals t = Attack(argv[1], kinds).run(std::atol(argv[2]));
  std::printf("connections=%ld refused=%ld dropped=%ld bytes=%ld\n", t.connections, t.refused, t.dropped, t.bytes);
  return t.connections > 0 ? 0 : 1;
}
