// Differential libFuzzer target for the shim's fast path (src/shim/fast_path.h):
// its hand-written reply reader must take a reply exactly as the full shim
// does (client.cc's FrameReader, then shim.cc's type check and
// wire::decode_decide_reply). The input is the byte stream the daemon's
// socket delivers. Both must agree on whether the frame is a decide reply
// and how long it is, on whether its payload is one, on every field the
// fast path keeps, and on the argv and environment execve gets from a plan
// (exec_env.h's, compared as C strings: what execve sees). A small arena
// may only make the fast path give up (no_room), never change its answer.
// Any disagreement aborts, naming the check that failed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "exec_env.h"
#include "fast_path.h"
#include "scarlet/protocol.h"

using namespace scarlet;
using namespace scarlet::shim;

namespace {

void agree(bool same, const char* what) {
  if (same) return;
  std::fprintf(stderr, "fast path and full shim disagree: %s\n", what);
  std::abort();
}

// `s` is the arena's copy of exactly `want`'s bytes, NUL-terminated (so a
// NUL inside a string is compared too).
bool same_string(const char* s, const std::string& want) {
  return s && std::memcmp(s, want.data(), want.size()) == 0 && s[want.size()] == '\0';
}

void same_plan(const fast::Plan& plan, const wire::DecideReply& full) {
  agree(plan.exit_code == full.exit_code, "exit_code");
  agree(plan.native == full.native, "native");
  agree(plan.uses_binary_fd == full.uses_binary_fd, "uses_binary_fd");
  agree(same_string(plan.exec_path, full.exec_path), "exec_path");
  agree(plan.argc == full.argv.size(), "argv's length");
  for (std::size_t i = 0; i < full.argv.size(); ++i) agree(same_string(plan.argv[i], full.argv[i]), "an argv entry");
  agree(plan.argv[plan.argc] == nullptr, "argv's terminator");
  agree(plan.args_at == full.args_at, "args_at");
  agree(plan.envc == full.env.size(), "env's length");
  for (std::size_t i = 0; i < full.env.size(); ++i) {
    agree(same_string(plan.env[i], full.env[i].name + "=" + full.env[i].value), "an env entry");
    agree(plan.env_name_length[i] == full.env[i].name.size(), "an env name's length");
  }
  agree(plan.env[plan.envc] == nullptr, "env's terminator");
  agree(plan.limitc == full.limits.size(), "limits' length");
  for (std::size_t i = 0; i < full.limits.size(); ++i) {
    agree(plan.limits[i].resource == full.limits[i].resource, "a limit's resource");
    agree(plan.limits[i].value == full.limits[i].value, "a limit's value");
  }
  agree(plan.layerc == full.confinement.size(), "confinement's length");
  for (std::size_t i = 0; i < full.confinement.size(); ++i) {
    const Confinement& c = full.confinement[i];
    const confine::Layer& l = plan.layers[i];
    const std::uint32_t flags = (c.files ? wire::kConfineFiles : 0) | (c.network ? wire::kConfineNetwork : 0) |
                                (c.scope_abstract_unix ? wire::kConfineScopeAbstract : 0) |
                                (c.scope_signal ? wire::kConfineScopeSignal : 0) |
                                (c.no_new_privs.value_or(false) ? wire::kConfineNoNewPrivs : 0) |
                                (c.required ? wire::kConfineRequired : 0);
    agree(l.flags == flags, "a policy's flags");
    agree(l.syscalls == c.syscalls, "a policy's presets");
    agree(l.rulec == c.paths.size(), "a policy's paths");
    for (std::size_t j = 0; j < c.paths.size(); ++j) {
      agree(same_string(l.rules[j].path, c.paths[j].path), "a path grant");
      agree(l.rules[j].access == c.paths[j].access, "a path grant's access");
    }
    agree(l.portc == c.ports.size(), "a policy's ports");
    for (std::size_t j = 0; j < c.ports.size(); ++j)
      agree(l.ports[j].kind == c.ports[j].kind && l.ports[j].port == c.ports[j].port, "a port grant");
  }
}

bool same_list(char** fast_list, const std::vector<char*>& full_list) {
  std::size_t i = 0;
  for (; fast_list[i] && full_list[i]; ++i)
    if (std::strcmp(fast_list[i], full_list[i]) != 0) return false;
  return !fast_list[i] && !full_list[i];
}

// What execve gets for a plan to run: the program's arguments spliced in,
// and an inherited environment of which the plan replaces some entries.
void same_exec(const fast::Plan& plan, const wire::DecideReply& full, fast::Arena& arena) {
  std::vector<std::string> args = {"a b", ""};
  std::vector<char*> arg_pointers = {args[0].data(), args[1].data()};
  char** fast_argv = fast::runtime_argv(plan, arg_pointers.data(), 2, arena);
  agree(fast_argv != nullptr, "no room for argv with the product's whole arena");
  agree(same_list(fast_argv, shim::runtime_argv(full, args)), "the runtime's argv");

  std::vector<std::string> inherited = {"HOME=/root", "SCARLET_SHIM_EXEC=1:2:3", "NOEQUALS", "=", "LD_PRELOAD=/x.so"};
  for (const auto& e : full.env) inherited.push_back(e.name + "=inherited");
  std::vector<char*> env_pointers;
  for (auto& e : inherited) env_pointers.push_back(e.data());
  env_pointers.push_back(nullptr);
  const std::string marker = std::string(kLoopMarker) + "=7:8:9";
  char** fast_env = fast::runtime_env(env_pointers.data(), plan, marker.c_str(), arena);
  agree(fast_env != nullptr, "no room for the environment with the product's whole arena");
  std::vector<std::string> added;
  agree(same_list(fast_env, shim::runtime_env(env_pointers.data(), full.env, false, "7:8:9", added)),
        "the runtime's environment");
}

// The payload, decoded by both; `small` bytes of arena for a second try.
void compare_payload(const std::string& payload, std::size_t small) {
  const auto full = wire::decode_decide_reply(payload);

  // As much arena as fast_entry.cc gives it (its arena_buffer): a reply
  // that fits a frame always fits that.
  static std::vector<char> memory(4 << 20);
  fast::Arena arena(memory.data(), memory.size());
  fast::Plan plan;
  const fast::Decoded d = fast::decode_reply(payload.data(), payload.size(), arena, plan);
  agree(d != fast::Decoded::no_room, "no_room with the product's whole arena");
  agree((d == fast::Decoded::ok) == full.ok(), "whether the payload is a decide reply");
  if (full.ok()) same_plan(plan, *full);
  if (full.ok() && full->exit_code == 0) same_exec(plan, *full, arena);

  // A cramped arena: the same answer, or no_room.
  std::vector<char> cramped(small);
  fast::Arena tight(cramped.data(), cramped.size());
  fast::Plan tight_plan;
  const fast::Decoded t = fast::decode_reply(payload.data(), payload.size(), tight, tight_plan);
  agree(t == d || t == fast::Decoded::no_room, "the answer changed with the arena's size");
  if (t == fast::Decoded::ok) same_plan(tight_plan, *full);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const char* bytes = reinterpret_cast<const char*>(data);
  const long frame = fast::reply_frame_size(bytes, size);
  if (size < wire::kHeaderSize) {
    agree(frame == 0, "a frame size before the header is in");
    return 0;
  }
  agree(fast::reply_frame_size(bytes, wire::kHeaderSize - 1) == 0, "a frame size before the header is in");
  agree(fast::reply_frame_size(bytes, wire::kHeaderSize) == frame, "the frame size changed after the header");

  // The full shim: client.cc feeds what arrives until a frame is out, and
  // shim.cc takes only a decide reply.
  wire::FrameReader reader;
  bool refused = false;
  std::optional<wire::Message> m;
  for (std::size_t at = 0; at < size && !m && !refused; at += 4096) {
    refused = !reader.feed(bytes + at, std::min<std::size_t>(4096, size - at)).ok();
    if (!refused) m = reader.next();
  }
  if (!refused && !m) {
    // A frame still coming: its type says whether the full shim will take
    // it, so complete it with zeros (the payload plays no part in that).
    agree(frame < 0 || reader.wanted() == static_cast<std::size_t>(frame) - size, "how much of the frame is missing");
    std::string rest(reader.wanted(), '\0');
    refused = !reader.feed(rest.data(), rest.size()).ok();
    if (!refused) m = reader.next();
    agree(refused || m, "a completed frame did not come out");
    if (m) m->payload.clear();  // not the input's: nothing to decode
  }
  const bool full_takes = m && m->type == wire::Type::decide_reply;
  agree((frame > 0) == full_takes, "whether the frame is a decide reply");
  agree(frame != 0, "no answer with the whole header in");
  if (frame < 0 || size < static_cast<std::size_t>(frame)) return 0;

  agree(m->payload.size() + wire::kHeaderSize == static_cast<std::size_t>(frame), "the frame's length");
  agree(std::memcmp(m->payload.data(), bytes + wire::kHeaderSize, m->payload.size()) == 0, "the payload's bytes");
  // A cramped arena of a size the input picks (its last byte), so fuzzing
  // walks every place the fast path can run out of room.
  compare_payload(m->payload, static_cast<std::size_t>(data[size - 1]) * 8);
  return 0;
}
