// libFuzzer target for the wire protocol: the input is fed in chunks (sizes
// from the first byte: 1 to 17 bytes, so headers and fields arrive in
// pieces, or from 0xf0 on 4096, as the daemon reads) to two FrameReaders,
// one limited to kMaxRequest as the daemon's Inbox reads requests
// (src/daemon/request_inbox.h) and one with the default kMaxFrame as clients
// read replies. Every frame that comes out is decoded as its type says, and
// whatever decodes must survive encoding again unchanged. The readers must
// agree: they differ only in their limit, so the daemon's reader yields a
// prefix of the client's frames, none over its limit.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "scarlet/protocol.h"

using namespace scarlet::wire;

namespace {

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "protocol fuzz: %s\n", what);
  std::abort();
}

void decode(const Message& m) {
  switch (m.type) {
    case Type::decide:
    case Type::explain: {
      auto r = decode_request(m.payload);
      if (!r.ok()) break;
      auto again = decode_request(encode(*r, m.type).substr(kHeaderSize));
      check(again.ok() && again->path == r->path && again->argv0 == r->argv0 && again->binary_fd == r->binary_fd &&
                again->args == r->args,
            "a request changed on encoding it again");
      break;
    }
    case Type::decide_reply: {
      auto r = decode_decide_reply(m.payload);
      if (!r.ok()) break;
      auto again = decode_decide_reply(encode(*r).substr(kHeaderSize));
      check(again.ok() && again->exit_code == r->exit_code && again->message == r->message &&
                again->format == r->format && again->exec_path == r->exec_path && again->argv == r->argv &&
                again->args_at == r->args_at && again->env == r->env && again->limits == r->limits &&
                again->uses_binary_fd == r->uses_binary_fd && again->native == r->native,
            "a decide reply changed on encoding it again");
      break;
    }
    case Type::text_reply: {
      auto r = decode_text_reply(m.payload);
      if (!r.ok()) break;
      auto again = decode_text_reply(encode(*r).substr(kHeaderSize));
      check(again.ok() && again->exit_code == r->exit_code && again->text == r->text,
            "a text reply changed on encoding it again");
      break;
    }
    default:
      break;
  }
}

// One reader and the frames it has given so far.
struct Reading {
  explicit Reading(std::size_t max_frame) : limit(max_frame), reader(max_frame) {}
  std::size_t limit;
  FrameReader reader;
  bool failed = false;
  std::vector<Message> frames;

  void feed(const char* bytes, std::size_t n) {
    if (failed) return;
    if (!reader.feed(bytes, n).ok()) {
      failed = true;
      return;
    }
    while (auto m = reader.next()) {
      decode(*m);
      frames.push_back(std::move(*m));
    }
    // What is left is part of a frame; once its header checks out (feeding
    // nothing checks it again), wanted() is how much of it is missing.
    const char none = 0;
    if (reader.feed(&none, 0).ok())
      check(reader.wanted() > 0 && reader.wanted() <= kHeaderSize + limit, "wanted() after the frames were taken");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = data[0] >= 0xf0 ? 4096 : 1 + data[0] % 17;
  const char* bytes = reinterpret_cast<const char*>(data) + 1;
  Reading daemon(kMaxRequest), client(kMaxFrame);
  for (std::size_t at = 0; at < size - 1 && !(daemon.failed && client.failed); at += chunk) {
    const std::size_t n = std::min(chunk, size - 1 - at);
    daemon.feed(bytes + at, n);
    client.feed(bytes + at, n);
  }
  check(daemon.frames.size() <= client.frames.size(), "the daemon's reader took more frames than the client's");
  for (std::size_t i = 0; i < daemon.frames.size(); ++i) {
    check(daemon.frames[i].payload.size() <= kMaxRequest, "the daemon's reader took a frame over kMaxRequest");
    check(daemon.frames[i].type == client.frames[i].type && daemon.frames[i].payload == client.frames[i].payload,
          "the readers took different frames");
  }
  check(!client.failed || daemon.failed, "the client's reader refused what the daemon's took");
  return 0;
}
