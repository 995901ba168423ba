// The socket server over a real Unix socket, with a small fake handler: fd
// passing, garbage, slow and surplus clients.
#include "daemon/server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "scarlet/client.h"
#include "support/temp_dir.h"

using namespace scarlet;
using namespace scarlet::daemon;
using namespace scarlet::test;

namespace {

// A server on its own thread, answering with the size of the passed file.
struct Running {
  TempDir dir;
  std::string socket = dir.path() + "/socket";
  boost::asio::io_context io;
  Counters counters;
  std::unique_ptr<Server> server;
  std::thread thread;

  explicit Running(ServerOptions options = {}) {
    auto listener = listen_unix(socket);
    REQUIRE(listener.ok());
    server = std::make_unique<Server>(io, std::move(listener).value(), options,
                                      [](const Peer& peer, const wire::Message&, UniqueFd fd) {
                                        off_t size = fd ? ::lseek(fd.get(), 0, SEEK_END) : -1;
                                        return wire::encode(wire::TextReply{0, std::to_string(size) + " uid " + std::to_string(peer.uid)});
                                      },
                                      counters);
    server->start();
    thread = std::thread([this] { io.run(); });
  }
  ~Running() {
    io.stop();
    thread.join();
  }
};

std::string ask(const std::string& socket, int fd) {
  auto m = call_daemon(socket, wire::encode_empty(wire::Type::status), fd, 2000);
  REQUIRE(m.ok());
  return wire::decode_text_reply(m->payload)->text;
}

// A raw client connection.
UniqueFd connect_to(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  struct sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, path.c_str());
  REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// True once the server has closed the connection.
bool closed_by_server(int fd, int timeout_ms) {
  struct pollfd p = {fd, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return false;
  char c;
  return ::recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

}  // namespace

TEST_CASE("server: one request, one reply, with the passed fd and the peer's uid", "[server]") {
  Running s;
  std::string file = s.dir.write("f", std::string(1234, 'x'));
  UniqueFd fd(::open(file.c_str(), O_RDONLY));
  CHECK(ask(s.socket, fd.get()) == "1234 uid " + std::to_string(::getuid()));
  CHECK(ask(s.socket, -1) == "-1 uid " + std::to_string(::getuid()));
}

TEST_CASE("server: garbage and oversized requests are dropped", "[server]") {
  Running s;
  UniqueFd garbage = connect_to(s.socket);
  REQUIRE(::write(garbage.get(), "GET / HTTP/1.0\r\n\r\n", 18) == 18);
  CHECK(closed_by_server(garbage.get(), 2000));
  UniqueFd big = connect_to(s.socket);
  std::string frame = wire::encode(wire::DecideRequest{std::string(wire::kMaxRequest, 'p'), std::nullopt, -1, {}});
  ::send(big.get(), frame.data(), frame.size(), MSG_NOSIGNAL);
  CHECK(closed_by_server(big.get(), 2000));
  CHECK(s.counters.garbage == 2);
  CHECK(ask(s.socket, -1).starts_with("-1 uid"));  // still serving
}

TEST_CASE("server: a slow client is dropped at its deadline and stalls nobody", "[server]") {
  Running s(ServerOptions{512, 128, std::chrono::milliseconds(300)});
  UniqueFd slow = connect_to(s.socket);
  std::string frame = wire::encode_empty(wire::Type::status);
  REQUIRE(::write(slow.get(), frame.data(), 3) == 3);  // and then nothing more
  for (int i = 0; i < 20; ++i) CHECK(ask(s.socket, -1).starts_with("-1 uid"));
  CHECK(closed_by_server(slow.get(), 3000));
  CHECK(s.counters.timeouts == 1);
}

TEST_CASE("server: connections beyond the cap are closed at once", "[server]") {
  Running s(ServerOptions{4, 4, std::chrono::milliseconds(5000)});
  std::vector<UniqueFd> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(connect_to(s.socket));
  UniqueFd surplus = connect_to(s.socket);
  CHECK(closed_by_server(surplus.get(), 2000));
  CHECK(s.counters.rejected >= 1);
  idle.clear();  // the held connections end; serving resumes
  for (int i = 0; i < 50; ++i) {
    auto m = call_daemon(s.socket, wire::encode_empty(wire::Type::status), -1, 2000);
    if (m.ok()) break;
    ::usleep(20'000);
  }
  CHECK(ask(s.socket, -1).starts_with("-1 uid"));
}
