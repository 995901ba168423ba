// The wire protocol between scarlet-shim, the scarlet-dispatch CLI and the
// daemon, over a Unix stream socket. One request and one reply per
// connection ("a one-reply server"), so no session state exists anywhere.
//
// Frame: "SCRT" | u16 version | u16 type | u32 payload length | payload,
// integers little-endian. Payloads are sequences of fields: u32 integers,
// strings as u32 length + bytes, lists as u32 count + items. Every length is
// checked against what is left of a frame, and frames are capped at
// kMaxFrame; a frame that breaks any rule is garbage and the connection is
// dropped. A decide request carries the program's open fd as SCM_RIGHTS
// ancillary data: the daemon reads that file, never the path.
//
// The program's own arguments never travel: the reply says where in the
// runtime's argv they go (args_at), and the shim splices them in. Requests
// stay small however long the command line is.
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scarlet/dispatcher.h"
#include "scarlet/status.h"

namespace scarlet::wire {

inline constexpr char kMagic[4] = {'S', 'C', 'R', 'T'};
inline constexpr std::uint16_t kVersion = 2;  // 2: decide replies carry confinement
inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::size_t kMaxFrame = 256 * 1024;   // replies (status can be long)
inline constexpr std::size_t kMaxRequest = 16 * 1024;  // what the daemon accepts
inline constexpr std::size_t kMaxString = 16 * 1024;  // paths, argv0, messages
inline constexpr std::size_t kMaxList = 1024;         // argv, env, limits entries
inline constexpr std::size_t kMaxLayers = 8;          // confinement policies in one reply

enum class Type : std::uint16_t {
  decide = 1,         // shim -> daemon: what runs this fd?      reply: DecideReply
  explain = 2,        // CLI -> daemon: the decision as JSON     reply: TextReply
  status = 3,         // CLI -> daemon (root only): JSON status  reply: TextReply
  reload = 4,         // CLI -> daemon (root only)               reply: TextReply
  decide_reply = 101,
  text_reply = 102,
};

struct DecideRequest {
  std::string path;                   // the program as the kernel named it
  std::optional<std::string> argv0;   // with the P flag
  std::int32_t binary_fd = -1;        // fd number the runtime may inherit in the shim
  std::vector<std::string> args;      // explain only: the program's arguments
};

// What the shim needs to exec, or why it must not.
struct DecideReply {
  std::int32_t exit_code = 0;  // 0: run the plan; 126/127: print message and exit
  std::string message;         // the one-line reason when exit_code != 0
  std::string format;          // for messages and logs
  std::string exec_path;
  std::vector<std::string> argv;  // without the program's arguments
  std::int32_t args_at = -1;      // where they go in argv; -1: the runtime takes none
  std::vector<EnvVar> env;
  std::vector<Limit> limits;
  bool uses_binary_fd = false;
  bool native = false;            // the file runs natively: exec'ing it would loop
  // The plan's policies (LaunchPlan::confinement). On the wire, after the
  // flags: u32 count, then each: u32 flags (kConfine*), u32 syscall presets,
  // u32 n + n × (u32 access, string path), u32 m + m × (u32 kind, u32 port).
  std::vector<Confinement> confinement;
};

// Bits of a policy's flags word on the wire.
inline constexpr std::uint32_t kConfineFiles = 1, kConfineNetwork = 2, kConfineScopeAbstract = 4,
                               kConfineScopeSignal = 8, kConfineNoNewPrivs = 16, kConfineRequired = 32;

struct TextReply {
  std::int32_t exit_code = 0;
  std::string text;
};

// A request or reply: the type and the decoded payload.
struct Message {
  Type type{};
  std::string payload;
};

// Encoding: a whole frame, header included.
std::string encode(const DecideRequest& r, Type type = Type::decide);
std::string encode(const DecideReply& r);
std::string encode(const TextReply& r);
std::string encode_empty(Type type);  // status and reload requests

// Decoding a payload of the given type; errors are Code::invalid.
Result<DecideRequest> decode_request(const std::string& payload);
Result<DecideReply> decode_decide_reply(const std::string& payload);
Result<TextReply> decode_text_reply(const std::string& payload);

// The reply the shim needs, from a Decision made without the program's args.
DecideReply to_reply(const Decision& decision);

// Reassembles frames from bytes that arrive in pieces of any size.
class FrameReader {
 public:
  explicit FrameReader(std::size_t max_frame = kMaxFrame) : max_frame_(max_frame) {}
  // Appends bytes; returns an error as soon as the stream cannot be valid
  // (bad magic, unknown version or type, frame over kMaxFrame).
  Status feed(const char* data, std::size_t size);
  // The next complete, valid frame, if one has arrived.
  std::optional<Message> next();
  // How many more bytes the current frame needs at least (for sizing reads).
  std::size_t wanted() const;

 private:
  Status check_header() const;
  std::size_t max_frame_;
  std::string buffer_;
};

}  // namespace scarlet::wire
