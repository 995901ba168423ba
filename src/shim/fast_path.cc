// Built freestanding (see src/CMakeLists.txt): the build checks that this
// file and fast_entry.cc refer to no function outside themselves, so plain
// loops stand in for memcpy and friends, and nothing here is initialized by
// copying a large object (the compiler would call memcpy or memset).
#include "fast_path.h"

#include <elf.h>

#include "exec_env.h"
#include "scarlet/confinement.h"
#include "scarlet/protocol.h"

namespace scarlet::shim::fast {
namespace {

constexpr std::uint16_t kDecide = static_cast<std::uint16_t>(wire::Type::decide);
constexpr std::uint16_t kDecideReply = static_cast<std::uint16_t>(wire::Type::decide_reply);

void copy_bytes(char* to, const char* from, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
}

bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

std::size_t name_length(const char* entry) noexcept {
  std::size_t n = 0;
  while (entry[n] && entry[n] != '=') ++n;
  return n;
}

std::uint32_t le32(const char* p) noexcept {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// Appends fields to a frame being built; `ok` turns false if it overflows.
struct Out {
  char* data;
  std::size_t cap;
  std::size_t used = 0;
  bool ok = true;
  void bytes(const char* s, std::size_t n) noexcept {
    if (!ok || cap - used < n) {
      ok = false;
      return;
    }
    copy_bytes(data + used, s, n);
    used += n;
  }
  void u16(std::uint16_t v) noexcept {
    char b[2] = {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
    bytes(b, 2);
  }
  void u32(std::uint32_t v) noexcept {
    char b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    bytes(b, 4);
  }
  void str(const char* s, std::size_t n) noexcept {
    u32(static_cast<std::uint32_t>(n));
    bytes(s, n);
  }
};

// Reads fields in order, as protocol.cc's Reader does: after the first
// problem `ok` is false for good.
struct In {
  const char* data;
  std::size_t size;
  std::size_t pos = 0;
  bool ok = true;
  bool take(std::size_t n) noexcept {
    if (!ok || size - pos < n) return ok = false;
    pos += n;
    return true;
  }
  std::uint32_t u32() noexcept { return take(4) ? le32(data + pos - 4) : 0; }
  std::int32_t i32() noexcept { return static_cast<std::int32_t>(u32()); }
  // A string's bytes (not NUL-terminated) and length.
  const char* str(std::size_t& n) noexcept {
    n = u32();
    if (n > wire::kMaxString || !take(n)) {
      ok = false;
      return nullptr;
    }
    return data + pos - n;
  }
  std::uint32_t count() noexcept {
    std::uint32_t n = u32();
    if (n > wire::kMaxList) ok = false;
    return ok ? n : 0;
  }
};

// confinement.h's placeholder_of, over bytes: an absolute path, or a
// placeholder followed by nothing or "/…"; and no NUL inside.
bool grant_path(const char* s, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i)
    if (s[i] == '\0') return false;
  if (n > 0 && s[0] == '/') return true;
  for (std::string_view p : kPlaceholders)
    if (n >= p.size() && same_bytes(s, p.data(), p.size()) && (n == p.size() || s[p.size()] == '/')) return true;
  return false;
}

}  // namespace

void* Arena::take(std::size_t bytes) noexcept {
  std::size_t at = (used_ + 15) & ~static_cast<std::size_t>(15);
  if (at > size_ || size_ - at < bytes) return nullptr;
  used_ = at + bytes;
  return base_ + at;
}

char* Arena::copy(const char* s, std::size_t n) noexcept {
  auto* out = static_cast<char*>(take(n + 1));
  if (!out) return nullptr;
  copy_bytes(out, s, n);
  out[n] = '\0';
  return out;
}

Start read_start(long* sp) noexcept {
  Start s;
  s.argc = static_cast<int>(sp[0]);
  s.argv = reinterpret_cast<char**>(sp + 1);
  s.envp = s.argv + s.argc + 1;
  char** e = s.envp;
  while (*e) ++e;
  bool secure_known = false;
  for (auto* aux = reinterpret_cast<unsigned long*>(e + 1); aux[0] != AT_NULL; aux += 2) {
    if (aux[0] == AT_FLAGS) s.flags = aux[1];
    if (aux[0] == AT_EXECFD) s.exec_fd = static_cast<long>(aux[1]);
    if (aux[0] == AT_SECURE) s.secure = aux[1] != 0, secure_known = true;
  }
  if (!secure_known) s.secure = true;
  return s;
}

std::size_t length(const char* s) noexcept {
  std::size_t n = 0;
  while (s[n]) ++n;
  return n;
}

const char* find_env(char* const* envp, const char* name) noexcept {
  const std::size_t n = length(name);
  for (char* const* e = envp; *e; ++e)
    if (name_length(*e) == n && same_bytes(*e, name, n) && (*e)[n] == '=') return *e + n + 1;
  return nullptr;
}

bool equal(const char* a, const char* b) noexcept {
  std::size_t n = length(a);
  return n == length(b) && same_bytes(a, b, n);
}

void marker_value(long pid, unsigned long long dev, unsigned long long ino, char* out) noexcept {
  std::size_t at = 0;
  auto put = [&](unsigned long long v) {
    char digits[24];
    int n = 0;
    do digits[n++] = static_cast<char>('0' + v % 10);
    while ((v /= 10) != 0);
    while (n > 0) out[at++] = digits[--n];
  };
  put(static_cast<unsigned long long>(pid));
  out[at++] = ':';
  put(dev);
  out[at++] = ':';
  put(ino);
  out[at] = '\0';
}

std::size_t encode_request(const char* path, const char* argv0, int binary_fd, char* out, std::size_t cap) noexcept {
  const std::size_t path_length = length(path), argv0_length = argv0 ? length(argv0) : 0;
  if (path_length == 0 || path_length > wire::kMaxString || argv0_length > wire::kMaxString) return 0;
  Out w{out, cap};
  w.bytes(wire::kMagic, sizeof wire::kMagic);
  w.u16(wire::kVersion);
  w.u16(kDecide);
  w.u32(0);  // the payload's length, set below
  w.str(path, path_length);
  w.u32(argv0 ? 1 : 0);
  w.str(argv0 ? argv0 : "", argv0_length);
  w.u32(static_cast<std::uint32_t>(binary_fd));
  w.u32(0);  // no args: they never travel
  if (!w.ok || w.used - wire::kHeaderSize > wire::kMaxRequest) return 0;
  Out length_field{out + 8, 4};
  length_field.u32(static_cast<std::uint32_t>(w.used - wire::kHeaderSize));
  return w.used;
}

long reply_frame_size(const char* bytes, std::size_t have) noexcept {
  if (have < wire::kHeaderSize) return 0;
  auto u16_at = [&](std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[at]) | static_cast<unsigned char>(bytes[at + 1]) << 8);
  };
  if (!same_bytes(bytes, wire::kMagic, sizeof wire::kMagic) || u16_at(4) != wire::kVersion || u16_at(6) != kDecideReply)
    return -1;
  std::uint32_t n = le32(bytes + 8);
  if (n > wire::kMaxFrame) return -1;
  return static_cast<long>(wire::kHeaderSize + n);
}

Decoded decode_reply(const char* payload, std::size_t n, Arena& arena, Plan& plan) noexcept {
  In in{payload, n};
  std::size_t len = 0;
  plan.exit_code = in.i32();
  in.str(len);  // message and format: the full shim's business
  in.str(len);
  const char* exec_path = in.str(len);
  const std::size_t exec_path_length = len;

  plan.argc = in.count();
  plan.argv = static_cast<char**>(arena.take(sizeof(char*) * (plan.argc + 1)));
  if (in.ok && !plan.argv) return Decoded::no_room;
  for (std::uint32_t i = 0; in.ok && i < plan.argc; ++i) {
    const char* s = in.str(len);
    if (in.ok && !(plan.argv[i] = arena.copy(s, len))) return Decoded::no_room;
  }
  plan.args_at = in.i32();

  plan.envc = in.count();
  plan.env = static_cast<char**>(arena.take(sizeof(char*) * (plan.envc + 1)));
  plan.env_name_length = static_cast<std::size_t*>(arena.take(sizeof(std::size_t) * (plan.envc + 1)));
  if (in.ok && (!plan.env || !plan.env_name_length)) return Decoded::no_room;
  for (std::uint32_t i = 0; in.ok && i < plan.envc; ++i) {
    std::size_t name_len = 0, value_len = 0;
    const char* name = in.str(name_len);
    const char* value = in.str(value_len);
    if (!in.ok) break;
    auto* entry = static_cast<char*>(arena.take(name_len + value_len + 2));
    if (!entry) return Decoded::no_room;
    copy_bytes(entry, name, name_len);
    entry[name_len] = '=';
    copy_bytes(entry + name_len + 1, value, value_len);
    entry[name_len + 1 + value_len] = '\0';
    plan.env[i] = entry;
    plan.env_name_length[i] = name_len;
  }

  plan.limitc = in.count();
  plan.limits = static_cast<Plan::Limit*>(arena.take(sizeof(Plan::Limit) * (plan.limitc + 1)));
  if (in.ok && !plan.limits) return Decoded::no_room;
  for (std::uint32_t i = 0; in.ok && i < plan.limitc; ++i) {
    in.str(len);  // the limit's name
    plan.limits[i].resource = in.i32();
    std::uint64_t lo = in.u32(), hi = in.u32();
    plan.limits[i].value = lo | (hi << 32);
  }
  std::uint32_t flags = in.u32();
  plan.uses_binary_fd = flags & 1;
  plan.native = flags & 2;

  // The policies, checked as protocol.cc's decoder checks them.
  plan.layerc = in.count();
  if (plan.layerc > wire::kMaxLayers) return Decoded::garbage;
  plan.layers = static_cast<confine::Layer*>(arena.take(sizeof(confine::Layer) * (plan.layerc + 1)));
  if (in.ok && !plan.layers) return Decoded::no_room;
  for (std::uint32_t i = 0; in.ok && i < plan.layerc; ++i) {
    confine::Layer& layer = plan.layers[i];
    layer.flags = in.u32();
    layer.syscalls = in.u32();
    if (layer.flags >= 2 * wire::kConfineRequired || (layer.syscalls & ~syscall_preset::all) != 0) return Decoded::garbage;
    layer.rulec = in.count();
    auto* rules = static_cast<confine::Rule*>(arena.take(sizeof(confine::Rule) * (layer.rulec + 1)));
    if (in.ok && !rules) return Decoded::no_room;
    for (std::uint32_t j = 0; in.ok && j < layer.rulec; ++j) {
      rules[j].access = in.u32();
      const char* path = in.str(len);
      if (!in.ok) break;
      if (rules[j].access == 0 || (rules[j].access & ~(access::read | access::write | access::execute)) != 0 ||
          !grant_path(path, len))
        return Decoded::garbage;
      if (!(rules[j].path = arena.copy(path, len))) return Decoded::no_room;
    }
    layer.rules = rules;
    layer.portc = in.count();
    auto* ports = static_cast<confine::Port*>(arena.take(sizeof(confine::Port) * (layer.portc + 1)));
    if (in.ok && !ports) return Decoded::no_room;
    for (std::uint32_t j = 0; in.ok && j < layer.portc; ++j) {
      ports[j].kind = in.u32();
      ports[j].port = in.u32();
      if ((ports[j].kind != PortGrant::bind && ports[j].kind != PortGrant::connect) || ports[j].port == 0 ||
          ports[j].port > 65535)
        return Decoded::garbage;
    }
    layer.ports = ports;
  }

  if (!in.ok || in.pos != n || plan.args_at < -1 || plan.args_at > static_cast<std::int32_t>(plan.argc))
    return Decoded::garbage;
  if (plan.exit_code == 0 && (plan.argc == 0 || exec_path_length == 0)) return Decoded::garbage;
  if (!(plan.exec_path = arena.copy(exec_path, exec_path_length))) return Decoded::no_room;
  plan.argv[plan.argc] = nullptr;
  plan.env[plan.envc] = nullptr;
  return Decoded::ok;
}

char** runtime_argv(const Plan& plan, char* const* args, int nargs, Arena& arena) noexcept {
  std::size_t total = plan.argc + (plan.args_at >= 0 ? static_cast<std::size_t>(nargs) : 0) + 1;
  auto** out = static_cast<char**>(arena.take(sizeof(char*) * total));
  if (!out) return nullptr;
  std::size_t at = 0;
  for (std::uint32_t i = 0; i <= plan.argc; ++i) {
    if (static_cast<std::int32_t>(i) == plan.args_at)
      for (int a = 0; a < nargs; ++a) out[at++] = args[a];
    if (i < plan.argc) out[at++] = plan.argv[i];
  }
  out[at] = nullptr;
  return out;
}

char** runtime_env(char* const* inherited, const Plan& plan, const char* marker_entry, Arena& arena) noexcept {
  std::size_t count = 0;
  while (inherited[count]) ++count;
  auto** out = static_cast<char**>(arena.take(sizeof(char*) * (count + plan.envc + 2)));
  if (!out) return nullptr;
  const std::size_t marker_length = length(kLoopMarker);
  std::size_t at = 0;
  for (std::size_t e = 0; e < count; ++e) {
    const char* entry = inherited[e];
    const std::size_t n = name_length(entry);
    bool replaced = n == marker_length && same_bytes(entry, kLoopMarker, n);
    for (std::uint32_t v = 0; !replaced && v < plan.envc; ++v)
      replaced = plan.env_name_length[v] == n && same_bytes(plan.env[v], entry, n);
    if (!replaced) out[at++] = inherited[e];
  }
  for (std::uint32_t v = 0; v < plan.envc; ++v) out[at++] = plan.env[v];
  out[at++] = const_cast<char*>(marker_entry);  // execve never writes through it
  out[at] = nullptr;
  return out;
}

}  // namespace scarlet::shim::fast
