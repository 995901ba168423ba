#include "scarlet/protocol.h"

#include <sys/resource.h>

#include <catch2/catch.hpp>

using namespace scarlet;
using namespace scarlet::wire;

namespace {

Message one_frame(const std::string& bytes, std::size_t chunk) {
  FrameReader reader;
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    REQUIRE(reader.feed(bytes.data() + at, std::min(chunk, bytes.size() - at)).ok());
    if (at + chunk < bytes.size()) REQUIRE(reader.wanted() > 0);
  }
  auto m = reader.next();
  REQUIRE(m);
  CHECK_FALSE(reader.next());
  return *m;
}

}  // namespace

TEST_CASE("protocol: requests round-trip, whatever the chunking", "[protocol]") {
  DecideRequest req{"./prog with space", "prog", 3, {"a", "", "\xff\xfe"}};
  for (std::size_t chunk : {1, 2, 5, 12, 1000}) {
    Message m = one_frame(encode(req, Type::explain), chunk);
    CHECK(m.type == Type::explain);
    auto back = decode_request(m.payload);
    REQUIRE(back.ok());
    CHECK(back->path == req.path);
    CHECK(back->argv0 == req.argv0);
    CHECK(back->binary_fd == 3);
    CHECK(back->args == req.args);
  }
  auto no_argv0 = decode_request(one_frame(encode(DecideRequest{"/p", std::nullopt, -1, {}}), 7).payload);
  REQUIRE(no_argv0.ok());
  CHECK_FALSE(no_argv0->argv0);
}

TEST_CASE("protocol: decide replies round-trip", "[protocol]") {
  DecideReply r;
  r.format = "elf:aarch64";
  r.exec_path = "/usr/bin/qemu-aarch64-static";
  r.argv = {"/usr/bin/qemu-aarch64-static", "-0", "p", "/dev/fd/3"};
  r.args_at = 4;
  r.env = {{"QEMU_LD_PREFIX", "/usr/aarch64-linux-gnu"}};
  r.limits = {{"as", RLIMIT_AS, 1ull << 40}, {"core", RLIMIT_CORE, static_cast<std::uint64_t>(RLIM_INFINITY)}};
  r.uses_binary_fd = true;
  auto back = decode_decide_reply(one_frame(encode(r), 3).payload);
  REQUIRE(back.ok());
  CHECK(back->argv == r.argv);
  CHECK(back->args_at == 4);
  CHECK(back->env == r.env);
  CHECK(back->limits == r.limits);
  CHECK(back->uses_binary_fd);
  CHECK_FALSE(back->native);

  DecideReply refusal;
  refusal.exit_code = 127;
  refusal.message = "msdos program, but no runtime is installed (tried dosbox)";
  auto back2 = decode_decide_reply(one_frame(encode(refusal), 64).payload);
  REQUIRE(back2.ok());
  CHECK(back2->exit_code == 127);
  CHECK(back2->message == refusal.message);
}

TEST_CASE("protocol: text replies round-trip", "[protocol]") {
  auto back = decode_text_reply(one_frame(encode(TextReply{1, "{\"a\": 1}"}), 4).payload);
  REQUIRE(back.ok());
  CHECK(back->exit_code == 1);
  CHECK(back->text == "{\"a\": 1}");
  CHECK(one_frame(encode_empty(Type::status), 1).payload.empty());
}

TEST_CASE("protocol: garbage is refused early, not buffered", "[protocol]") {
  FrameReader bad_magic;
  CHECK_FALSE(bad_magic.feed("XX", 2).ok());
  FrameReader bad_version;
  std::string frame = encode_empty(Type::status);
  frame[4] = 9;
  CHECK(bad_version.feed(frame.data(), frame.size()).code() == Code::unsupported);
  FrameReader bad_type;
  frame = encode_empty(Type::status);
  frame[6] = 77;
  CHECK_FALSE(bad_type.feed(frame.data(), frame.size()).ok());
  FrameReader too_long;
  frame = encode_empty(Type::status);
  frame[11] = 0x7f;  // payload length 2 GiB
  CHECK_FALSE(too_long.feed(frame.data(), frame.size()).ok());
  FrameReader flood;
  std::string big = encode(TextReply{0, std::string(kMaxFrame - 100, 'x')});
  CHECK(flood.feed(big.data(), big.size()).ok());
  CHECK_FALSE(flood.feed(big.data(), big.size()).ok());  // never more than one frame's worth
}

TEST_CASE("protocol: malformed payloads are errors", "[protocol]") {
  std::string good = encode(DecideRequest{"/p", "p", 3, {}});
  std::string payload = good.substr(kHeaderSize);
  CHECK_FALSE(decode_request(payload + "x").ok());                     // trailing bytes
  CHECK_FALSE(decode_request(payload.substr(0, payload.size() - 1)).ok());  // truncated
  CHECK_FALSE(decode_request(encode(DecideRequest{"", "p", 3, {}}).substr(kHeaderSize)).ok());
  std::string huge_count = payload;
  huge_count.replace(huge_count.size() - 4, 4, std::string("\xff\xff\xff\x0f", 4));
  CHECK_FALSE(decode_request(huge_count).ok());
  DecideReply r;
  r.exec_path = "/x";
  r.argv = {"/x"};
  r.args_at = 5;  // past the end of argv
  CHECK_FALSE(decode_decide_reply(encode(r).substr(kHeaderSize)).ok());
}

TEST_CASE("protocol: a decision becomes the reply the shim needs", "[protocol]") {
  Decision d;
  d.detection.format = "jar";
  d.plan.exec_path = "/usr/lib/jvm/bin/java";
  d.plan.argv = {"/usr/bin/java", "-jar", "app.jar"};
  d.plan.args_at = 3;
  DecideReply r = to_reply(d);
  CHECK(r.exit_code == 0);
  CHECK(r.argv == d.plan.argv);
  CHECK(r.args_at == 3);
  d.status = Status::error(Code::not_found, "jar program, but no runtime is installed (tried java)");
  r = to_reply(d);
  CHECK(r.exit_code == 127);
  CHECK(r.argv.empty());
  CHECK(r.message == d.status.message());
}

TEST_CASE("protocol: wanted() counts what the frame still needs, and nothing once it is whole", "[protocol]") {
  const std::string frame = encode_empty(Type::status);
  FrameReader reader;
  CHECK(reader.wanted() == kHeaderSize);
  REQUIRE(reader.feed(frame.data(), 5).ok());
  CHECK(reader.wanted() == kHeaderSize - 5);
  // A whole frame and the start of the next: nothing more is needed for this one
  // (it used to wrap around to a huge count).
  const std::string more = frame.substr(5) + frame.substr(0, 5);
  REQUIRE(reader.feed(more.data(), more.size()).ok());
  CHECK(reader.wanted() == 0);
  REQUIRE(reader.next());
  CHECK(reader.wanted() == kHeaderSize - 5);
}

namespace {

Confinement sample_policy() {
  Confinement c;
  c.files = true;
  c.paths = {{"{program_dir}", access::read}, {"/tmp", access::read | access::write}, {"/usr/bin/qemu", 5}};
  c.network = true;
  c.ports = {{PortGrant::connect, 443}, {PortGrant::bind, 8080}};
  c.scope_signal = true;
  c.no_new_privs = true;
  c.syscalls = syscall_preset::no_admin | syscall_preset::no_ptrace;
  c.required = true;
  return c;
}

}  // namespace

TEST_CASE("protocol: decide replies carry their confinement, layer by layer", "[protocol][confine]") {
  DecideReply r;
  r.exec_path = "/usr/bin/qemu";
  r.argv = {"/usr/bin/qemu"};
  Confinement second;
  second.scope_abstract_unix = true;
  second.no_new_privs = false;
  r.confinement = {sample_policy(), second};
  auto back = decode_decide_reply(one_frame(encode(r), 5).payload);
  REQUIRE(back.ok());
  CHECK(back->confinement == r.confinement);  // `where` does not travel; it is empty here

  for (auto breaks : std::vector<void (*)(Confinement&)>{
           [](Confinement& c) { c.paths[0].path = "relative"; },
           [](Confinement& c) { c.paths[0].path = "{nope}"; },
           [](Confinement& c) { c.paths[0].access = 8; },
           [](Confinement& c) { c.paths[0].access = 0; },
           [](Confinement& c) { c.ports[0].kind = 3; },
           [](Confinement& c) { c.ports[0].port = 0; },
           [](Confinement& c) { c.syscalls = 1u << 20; },
       }) {
    DecideReply bad = r;
    breaks(bad.confinement[0]);
    CHECK_FALSE(decode_decide_reply(one_frame(encode(bad), 64).payload).ok());
  }
  DecideReply many = r;
  many.confinement.assign(kMaxLayers + 1, second);
  CHECK_FALSE(decode_decide_reply(one_frame(encode(many), 64).payload).ok());
}
