// libFuzzer target for the wire protocol: the input is fed to a FrameReader
// in chunks (sizes from the first byte, so partial reads are exercised), and
// every frame that comes out is decoded as its type says.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scarlet/protocol.h"

using namespace scarlet::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 17;
  const char* bytes = reinterpret_cast<const char*>(data) + 1;
  FrameReader reader;
  for (std::size_t at = 0; at < size - 1; at += chunk) {
    if (!reader.feed(bytes + at, std::min(chunk, size - 1 - at)).ok()) return 0;
    (void)reader.wanted();
    while (auto m = reader.next()) {
      switch (m->type) {
        case Type::decide: case Type::explain: (void)decode_request(m->payload); break;
        case Type::decide_reply: (void)decode_decide_reply(m->payload); break;
        case Type::text_reply: (void)decode_text_reply(m->payload); break;
        default: break;
      }
    }
  }
  return 0;
}
