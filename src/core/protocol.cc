#include "scarlet/protocol.h"

#include <cstring>

namespace scarlet::wire {
namespace {

class Writer {
 public:
  explicit Writer(Type type) : type_(type) {}
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) payload_ += static_cast<char>((v >> (8 * i)) & 0xff);
  }
  void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
  void str(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    payload_ += s;
  }
  void strs(const std::vector<std::string>& list) {
    u32(static_cast<std::uint32_t>(list.size()));
    for (const auto& s : list) str(s);
  }
  std::string frame() const {
    std::string out(kMagic, sizeof kMagic);
    auto put16 = [&](std::uint16_t v) { out += static_cast<char>(v & 0xff), out += static_cast<char>(v >> 8); };
    put16(kVersion);
    put16(static_cast<std::uint16_t>(type_));
    auto n = static_cast<std::uint32_t>(payload_.size());
    for (int i = 0; i < 4; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
    return out + payload_;
  }

 private:
  Type type_;
  std::string payload_;
};

// Reads fields in order; after the first problem every read fails and
// ok() is false, so decoders check once at the end.
class Reader {
 public:
  explicit Reader(const std::string& in) : in_(in) {}
  std::uint32_t u32() {
    if (!take(4)) return 0;
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in_[pos_ - 4 + static_cast<std::size_t>(i)]);
    return v;
  }
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  std::string str(std::size_t max = kMaxString) {
    std::uint32_t n = u32();
    if (n > max || !take(n)) return fail<std::string>();
    return in_.substr(pos_ - n, n);
  }
  std::vector<std::string> strs() {
    std::uint32_t n = u32();
    if (n > kMaxList) return fail<std::vector<std::string>>();
    std::vector<std::string> out;
    for (std::uint32_t i = 0; ok_ && i < n; ++i) out.push_back(str());
    return out;
  }
  std::uint32_t count() {
    std::uint32_t n = u32();
    return n > kMaxList ? fail<std::uint32_t>() : n;
  }
  bool ok() const { return ok_; }
  // Every field read and nothing left over.
  bool done() const { return ok_ && pos_ == in_.size(); }

 private:
  bool take(std::size_t n) {
    if (!ok_ || in_.size() - pos_ < n) return ok_ = false;
    pos_ += n;
    return true;
  }
  template <typename T>
  T fail() {
    ok_ = false;
    return T{};
  }
  const std::string& in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

Status garbage(const char* what) { return Status::error(Code::invalid, std::string("malformed ") + what); }

bool known_type(std::uint16_t t) {
  switch (static_cast<Type>(t)) {
    case Type::decide: case Type::explain: case Type::status: case Type::reload:
    case Type::decide_reply: case Type::text_reply: return true;
  }
  return false;
}

std::uint32_t le32_at(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
  return v;
}

}  // namespace

std::string encode(const DecideRequest& r, Type type) {
  Writer w(type);
  w.str(r.path);
  w.u32(r.argv0 ? 1 : 0);
  w.str(r.argv0.value_or(""));
  w.i32(r.binary_fd);
  w.strs(r.args);
  return w.frame();
}

std::string encode(const DecideReply& r) {
  Writer w(Type::decide_reply);
  w.i32(r.exit_code);
  w.str(r.message);
  w.str(r.format);
  w.str(r.exec_path);
  w.strs(r.argv);
  w.i32(r.args_at);
  w.u32(static_cast<std::uint32_t>(r.env.size()));
  for (const auto& e : r.env) w.str(e.name), w.str(e.value);
  w.u32(static_cast<std::uint32_t>(r.limits.size()));
  for (const auto& l : r.limits) {
    w.str(l.name);
    w.i32(l.resource);
    w.u32(static_cast<std::uint32_t>(l.value & 0xffffffff));
    w.u32(static_cast<std::uint32_t>(l.value >> 32));
  }
  w.u32((r.uses_binary_fd ? 1u : 0u) | (r.native ? 2u : 0u));
  w.u32(static_cast<std::uint32_t>(r.confinement.size()));
  for (const auto& c : r.confinement) {
    w.u32((c.files ? kConfineFiles : 0) | (c.network ? kConfineNetwork : 0) | (c.scope_abstract_unix ? kConfineScopeAbstract : 0) |
          (c.scope_signal ? kConfineScopeSignal : 0) | (c.no_new_privs.value_or(false) ? kConfineNoNewPrivs : 0) |
          (c.required ? kConfineRequired : 0));
    w.u32(c.syscalls);
    w.u32(static_cast<std::uint32_t>(c.paths.size()));
    for (const auto& g : c.paths) w.u32(g.access), w.str(g.path);
    w.u32(static_cast<std::uint32_t>(c.ports.size()));
    for (const auto& g : c.ports) w.u32(g.kind), w.u32(g.port);
  }
  return w.frame();
}

std::string encode(const TextReply& r) {
  Writer w(Type::text_reply);
  w.i32(r.exit_code);
  w.str(r.text);
  return w.frame();
}

std::string encode_empty(Type type) { return Writer(type).frame(); }

Result<DecideRequest> decode_request(const std::string& payload) {
  Reader r(payload);
  DecideRequest out;
  out.path = r.str();
  bool has_argv0 = r.u32() == 1;
  std::string argv0 = r.str();
  if (has_argv0) out.argv0 = std::move(argv0);
  out.binary_fd = r.i32();
  out.args = r.strs();
  if (!r.done() || out.path.empty() || out.path.find('\0') != std::string::npos) return garbage("request");
  return out;
}

Result<DecideReply> decode_decide_reply(const std::string& payload) {
  Reader r(payload);
  DecideReply out;
  out.exit_code = r.i32();
  out.message = r.str();
  out.format = r.str();
  out.exec_path = r.str();
  out.argv = r.strs();
  out.args_at = r.i32();
  for (std::uint32_t i = 0, n = r.count(); r.ok() && i < n; ++i) {
    EnvVar e;
    e.name = r.str();
    e.value = r.str();
    out.env.push_back(std::move(e));
  }
  for (std::uint32_t i = 0, n = r.count(); r.ok() && i < n; ++i) {
    Limit l;
    l.name = r.str();
    l.resource = r.i32();
    std::uint64_t lo = r.u32(), hi = r.u32();
    l.value = lo | (hi << 32);
    out.limits.push_back(std::move(l));
  }
  std::uint32_t flags = r.u32();
  out.uses_binary_fd = flags & 1;
  out.native = flags & 2;
  std::uint32_t layers = r.count();
  if (layers > kMaxLayers) return garbage("decide reply");
  for (std::uint32_t i = 0; r.ok() && i < layers; ++i) {
    Confinement c;
    const std::uint32_t f = r.u32();
    c.files = f & kConfineFiles;
    c.network = f & kConfineNetwork;
    c.scope_abstract_unix = f & kConfineScopeAbstract;
    c.scope_signal = f & kConfineScopeSignal;
    c.no_new_privs = (f & kConfineNoNewPrivs) != 0;
    c.required = f & kConfineRequired;
    c.syscalls = r.u32();
    if (f >= 2 * kConfineRequired || (c.syscalls & ~syscall_preset::all) != 0) return garbage("decide reply");
    for (std::uint32_t j = 0, n = r.count(); r.ok() && j < n; ++j) {
      PathGrant g;
      g.access = r.u32();
      g.path = r.str();
      if (g.access == 0 || (g.access & ~(access::read | access::write | access::execute)) != 0 || !placeholder_of(g.path) ||
          g.path.find('\0') != std::string::npos)
        return garbage("decide reply");
      c.paths.push_back(std::move(g));
    }
    for (std::uint32_t j = 0, n = r.count(); r.ok() && j < n; ++j) {
      PortGrant g;
      g.kind = r.u32();
      const std::uint32_t port = r.u32();
      if ((g.kind != PortGrant::bind && g.kind != PortGrant::connect) || port == 0 || port > 65535) return garbage("decide reply");
      g.port = static_cast<std::uint16_t>(port);
      c.ports.push_back(g);
    }
    out.confinement.push_back(std::move(c));
  }
  if (!r.done() || out.args_at < -1 || out.args_at > static_cast<std::int32_t>(out.argv.size()))
    return garbage("decide reply");
  if (out.exit_code == 0 && (out.argv.empty() || out.exec_path.empty())) return garbage("decide reply");
  return out;
}

Result<TextReply> decode_text_reply(const std::string& payload) {
  Reader r(payload);
  TextReply out;
  out.exit_code = r.i32();
  out.text = r.str(kMaxFrame);
  if (!r.done()) return garbage("text reply");
  return out;
}

DecideReply to_reply(const Decision& d) {
  DecideReply out;
  out.exit_code = exit_code_for(d.status);
  out.message = d.status.message();
  out.format = d.detection.format;
  out.native = d.detection.native();
  if (!d.status.ok()) return out;
  out.exec_path = d.plan.exec_path;
  out.argv = d.plan.argv;
  out.args_at = d.plan.args_at;
  out.env = d.plan.env;
  out.limits = d.plan.limits;
  out.uses_binary_fd = d.plan.uses_binary_fd;
  out.confinement = d.plan.confinement;
  return out;
}

Status FrameReader::feed(const char* data, std::size_t size) {
  if (buffer_.size() + size > max_frame_ + kHeaderSize) return garbage("frame (too large)");
  buffer_.append(data, size);
  return check_header();
}

Status FrameReader::check_header() const {
  if (std::memcmp(buffer_.data(), kMagic, std::min(buffer_.size(), sizeof kMagic)) != 0) return garbage("frame (magic)");
  if (buffer_.size() < kHeaderSize) return {};
  auto u16_at = [&](std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(buffer_[at]) | static_cast<unsigned char>(buffer_[at + 1]) << 8);
  };
  if (u16_at(4) != kVersion)
    return Status::error(Code::unsupported, "protocol version " + std::to_string(u16_at(4)) + " (expected " +
                                                std::to_string(kVersion) + ")");
  if (!known_type(u16_at(6))) return garbage("frame (type)");
  if (le32_at(buffer_, 8) > max_frame_) return garbage("frame (too large)");
  return {};
}

std::optional<Message> FrameReader::next() {
  if (buffer_.size() < kHeaderSize || !check_header().ok()) return std::nullopt;
  std::size_t length = le32_at(buffer_, 8);
  if (buffer_.size() < kHeaderSize + length) return std::nullopt;
  Message m;
  m.type = static_cast<Type>(static_cast<unsigned char>(buffer_[6]) | static_cast<unsigned char>(buffer_[7]) << 8);
  m.payload = buffer_.substr(kHeaderSize, length);
  buffer_.erase(0, kHeaderSize + length);
  return m;
}

std::size_t FrameReader::wanted() const {
  if (buffer_.size() < kHeaderSize) return kHeaderSize - buffer_.size();
  const std::size_t frame = kHeaderSize + le32_at(buffer_, 8);
  return buffer_.size() >= frame ? 0 : frame - buffer_.size();  // a whole frame is in: next() takes it
}

}  // namespace scarlet::wire
