// Status and Result<T>: how every fallible call in scarlet-dispatch reports.
//
// Library code never throws, exits or prints: it returns a Status (or a
// Result<T> holding either a T or an error Status). Exceptions from libraries
// are caught at the call site that uses them and turned into a Status there.
// Thread-safety: plain values.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace scarlet {

enum class Code {
  ok,
  invalid,      // malformed input: a truncated binary, a bad registry, a garbled request
  not_found,    // something needed does not exist: the file, a runtime, a format entry
  refused,      // exists but policy forbids it: untrusted runtime, loop, not allowed
  unsupported,  // recognized, but nothing here can handle it
  io,           // a system call failed
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  static Status error(Code code, std::string message) { return Status(code, std::move(message)); }
  // The one place errno becomes a Status: "<context>: <strerror>". ENOENT maps to
  // not_found, EACCES/EPERM to refused, everything else to io.
  static Status from_errno(int err, std::string_view context);

  bool ok() const { return code_ == Code::ok; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // A new Status with the same code and "<prefix>: <message>".
  Status wrap(std::string_view prefix) const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::ok;
  std::string message_;
};

// Shell-style exit status for a failed dispatch: 127 when something is not
// installed or not found, 126 when it was found but cannot or may not run.
int exit_code_for(const Status& status);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}           // NOLINT: must be an error
  Result(Code code, std::string message) : v_(Status::error(code, std::move(message))) {}

  bool ok() const { return v_.index() == 0; }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<1>(v_);
  }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace scarlet
