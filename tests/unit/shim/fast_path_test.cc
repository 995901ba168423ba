// The shim's fast path must speak the protocol and build the runtime's argv
// and environment exactly as protocol.cc and exec_env.cc do: each case holds
// one against the other.
#include "fast_path.h"

#include <elf.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "exec_env.h"
#include "scarlet/protocol.h"

using namespace scarlet;
using namespace scarlet::shim;

namespace {

// An arena with room to spare.
struct Memory {
  std::vector<char> bytes = std::vector<char>(1 << 20);
  fast::Arena arena{bytes.data(), bytes.size()};
};

std::vector<std::string> strings(char** list) {
  std::vector<std::string> out;
  for (; *list; ++list) out.emplace_back(*list);
  return out;
}

// A null-terminated array over `list`.
std::vector<char*> pointers(std::vector<std::string>& list) {
  std::vector<char*> out;
  for (auto& s : list) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

wire::DecideReply sample_plan() {
  wire::DecideReply r;
  r.format = "elf:aarch64";
  r.exec_path = "/usr/bin/qemu-aarch64-static";
  r.argv = {"/usr/bin/qemu-aarch64-static", "-0", "./prog", "/dev/fd/3"};
  r.args_at = 4;
  r.env = {{"QEMU_LD_PREFIX", "/usr/aarch64-linux-gnu"}, {"EMPTY", ""}};
  r.limits = {{"nofile", 7, 4096}, {"as", 9, 0x123456789ULL}};
  r.uses_binary_fd = true;
  return r;
}

fast::Decoded decode(const std::string& frame, fast::Arena& arena, fast::Plan& plan) {
  return fast::decode_reply(frame.data() + wire::kHeaderSize, frame.size() - wire::kHeaderSize, arena, plan);
}

}  // namespace

TEST_CASE("fast path: the request is the protocol's, byte for byte", "[shim]") {
  char out[256];
  std::size_t n = fast::encode_request("./prog", "prog", 3, out, sizeof out);
  CHECK(std::string(out, n) == wire::encode(wire::DecideRequest{"./prog", "prog", 3, {}}));
  n = fast::encode_request("/a/b", nullptr, 5, out, sizeof out);
  CHECK(std::string(out, n) == wire::encode(wire::DecideRequest{"/a/b", std::nullopt, 5, {}}));
  CHECK(fast::encode_request("", nullptr, 3, out, sizeof out) == 0);
  CHECK(fast::encode_request("./prog", nullptr, 3, out, 20) == 0);  // does not fit
  std::string huge(wire::kMaxString + 1, 'p');
  std::vector<char> big(2 * huge.size());
  CHECK(fast::encode_request(huge.c_str(), nullptr, 3, big.data(), big.size()) == 0);
}

TEST_CASE("fast path: reply frames are sized once their header is in", "[shim]") {
  std::string frame = wire::encode(sample_plan());
  CHECK(fast::reply_frame_size(frame.data(), 11) == 0);
  CHECK(fast::reply_frame_size(frame.data(), frame.size()) == static_cast<long>(frame.size()));
  CHECK(fast::reply_frame_size(wire::encode(wire::TextReply{0, "x"}).data(), 12) == -1);  // not a decide reply
  std::string bad = frame;
  bad[0] = 'X';
  CHECK(fast::reply_frame_size(bad.data(), bad.size()) == -1);
  bad = frame;
  bad[4] = static_cast<char>(wire::kVersion + 1);  // another version
  CHECK(fast::reply_frame_size(bad.data(), bad.size()) == -1);
  bad = frame;
  bad[11] = 0x7f;  // over kMaxFrame
  CHECK(fast::reply_frame_size(bad.data(), bad.size()) == -1);
}

TEST_CASE("fast path: a plan decodes as wire::decode_decide_reply decodes it", "[shim]") {
  Memory m;
  fast::Plan plan;
  REQUIRE(decode(wire::encode(sample_plan()), m.arena, plan) == fast::Decoded::ok);
  CHECK(plan.exit_code == 0);
  CHECK(std::string(plan.exec_path) == "/usr/bin/qemu-aarch64-static");
  CHECK(strings(plan.argv) == sample_plan().argv);
  CHECK(plan.args_at == 4);
  CHECK(strings(plan.env) == std::vector<std::string>{"QEMU_LD_PREFIX=/usr/aarch64-linux-gnu", "EMPTY="});
  CHECK(plan.env_name_length[0] == 14);
  REQUIRE(plan.limitc == 2);
  CHECK(plan.limits[0].resource == 7);
  CHECK(plan.limits[0].value == 4096);
  CHECK(plan.limits[1].value == 0x123456789ULL);
  CHECK(plan.uses_binary_fd);
  CHECK_FALSE(plan.native);

  wire::DecideReply refusal;
  refusal.exit_code = 127;
  refusal.message = "no runtime";
  fast::Plan refused;
  REQUIRE(decode(wire::encode(refusal), m.arena, refused) == fast::Decoded::ok);
  CHECK(refused.exit_code == 127);
}

TEST_CASE("fast path: replies the protocol refuses are garbage", "[shim]") {
  Memory m;
  fast::Plan plan;
  std::string good = wire::encode(sample_plan());
  std::string longer = good + "x";
  CHECK(fast::decode_reply(longer.data() + 12, longer.size() - 12, m.arena, plan) == fast::Decoded::garbage);
  CHECK(fast::decode_reply(good.data() + 12, good.size() - 13, m.arena, plan) == fast::Decoded::garbage);
  auto broken = sample_plan();
  broken.args_at = 5;  // past the end of argv
  CHECK(decode(wire::encode(broken), m.arena, plan) == fast::Decoded::garbage);
  broken = sample_plan();
  broken.argv.clear();
  broken.args_at = -1;
  CHECK(decode(wire::encode(broken), m.arena, plan) == fast::Decoded::garbage);
  for (const auto& frame : {good, wire::encode(broken)}) {
    auto payload = frame.substr(12);
    CHECK((decode(frame, m.arena, plan) == fast::Decoded::ok) == wire::decode_decide_reply(payload).ok());
  }
  char tiny[64];
  fast::Arena small(tiny, sizeof tiny);
  CHECK(decode(good, small, plan) == fast::Decoded::no_room);
}

TEST_CASE("fast path: argv and environment as exec_env builds them", "[shim]") {
  Memory m;
  fast::Plan plan;
  auto reply = sample_plan();
  REQUIRE(decode(wire::encode(reply), m.arena, plan) == fast::Decoded::ok);
  std::vector<std::string> args = {"a b", ""};
  auto arg_pointers = pointers(args);
  CHECK(strings(fast::runtime_argv(plan, arg_pointers.data(), 2, m.arena)) == final_argv(reply, args));

  std::vector<std::string> inherited = {"HOME=/root", "QEMU_LD_PREFIX=/mine", "SCARLET_SHIM_EXEC=1:2:3",
                                        "NOEQUALS", "EMPTY=x", "LD_PRELOAD=/kept/when/not/setuid.so"};
  auto env_pointers = pointers(inherited);
  std::string marker = std::string(kLoopMarker) + "=7:8:9";
  CHECK(strings(fast::runtime_env(env_pointers.data(), plan, marker.c_str(), m.arena)) ==
        final_env(inherited, reply.env, false, "7:8:9"));
}

TEST_CASE("fast path: the kernel's stack, markers and environment lookups", "[shim]") {
  char a0[] = "/shim", a1[] = "./prog", e0[] = "A=1", e1[] = "SCARLET_RUNDIR=/run/x";
  std::vector<long> stack = {2, reinterpret_cast<long>(a0), reinterpret_cast<long>(a1), 0,
                             reinterpret_cast<long>(e0), reinterpret_cast<long>(e1), 0,
                             AT_FLAGS, 1, AT_EXECFD, 3, AT_SECURE, 0, AT_NULL, 0};
  fast::Start s = fast::read_start(stack.data());
  CHECK(s.argc == 2);
  CHECK(std::string(s.argv[1]) == "./prog");
  CHECK(s.flags == 1);
  CHECK(s.exec_fd == 3);
  CHECK_FALSE(s.secure);
  CHECK(std::string(fast::find_env(s.envp, "SCARLET_RUNDIR")) == "/run/x");
  CHECK(fast::find_env(s.envp, "SCARLET") == nullptr);

  stack[11] = AT_NULL;  // no AT_SECURE at all: assume the worst
  CHECK(fast::read_start(stack.data()).secure);

  char out[fast::kMarkerSize];
  fast::marker_value(4194304, 0x10300fffULL, 18446744073709551615ULL, out);
  CHECK(std::string(out) == loop_marker_value(4194304, 0x10300fffULL, 18446744073709551615ULL));
  CHECK(fast::equal(out, loop_marker_value(4194304, 0x10300fffULL, 18446744073709551615ULL).c_str()));
}

TEST_CASE("fast path: a plan's confinement decodes as the protocol's", "[shim][confine]") {
  Memory m;
  fast::Plan plan;
  wire::DecideReply r = sample_plan();
  Confinement c;
  c.files = true;
  c.paths = {{"{cwd}/out", access::read | access::write}, {"/usr", access::read}};
  c.network = true;
  c.ports = {{PortGrant::bind, 80}};
  c.scope_abstract_unix = true;
  c.no_new_privs = true;
  c.syscalls = syscall_preset::local_sockets_only;
  Confinement d;
  d.required = true;
  d.no_new_privs = false;
  r.confinement = {c, d};
  REQUIRE(decode(wire::encode(r), m.arena, plan) == fast::Decoded::ok);
  REQUIRE(plan.layerc == 2);
  const auto& l = plan.layers[0];
  CHECK(l.flags == (wire::kConfineFiles | wire::kConfineNetwork | wire::kConfineScopeAbstract | wire::kConfineNoNewPrivs));
  CHECK(l.syscalls == syscall_preset::local_sockets_only);
  REQUIRE(l.rulec == 2);
  CHECK(std::string(l.rules[0].path) == "{cwd}/out");
  CHECK(l.rules[0].access == (access::read | access::write));
  CHECK(std::string(l.rules[1].path) == "/usr");
  REQUIRE(l.portc == 1);
  CHECK(l.ports[0].kind == PortGrant::bind);
  CHECK(l.ports[0].port == 80);
  CHECK(plan.layers[1].flags == wire::kConfineRequired);

  // What the protocol refuses, the fast path refuses.
  r.confinement[0].paths[0].path = "relative";
  const std::string bad = wire::encode(r);
  CHECK(decode(bad, m.arena, plan) == fast::Decoded::garbage);
  CHECK_FALSE(wire::decode_decide_reply(bad.substr(12)).ok());
}
