// RpcError: a JSON-RPC error code and its message, built in a fixed buffer (no allocation), so a message can
// name the param and the pin: "pin: 15 is in use by 'led'".
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace aiopi::pico {

/// The tether's error codes (docs/design/pico-tether.md, "Errors").
namespace rpc_code {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kNoSuchDevice = -32004;
inline constexpr int kNotAllowed = -32005;
inline constexpr int kNotOpen = -32006;
}  // namespace rpc_code

class RpcError {
 public:
  static constexpr std::size_t kMaxMessage = 120;

  /// Starts an error with `code`; the message is what add() appends (cut at kMaxMessage bytes).
  RpcError& fail(int code) noexcept {
    code_ = code;
    len_ = 0;
    return *this;
  }
  RpcError& add(std::string_view text) noexcept {
    for (char c : text)
      if (len_ < message_.size()) message_[len_++] = c;
    return *this;
  }
  RpcError& add(std::int64_t v) noexcept {
    char digits[21];
    std::size_t n = 0;
    std::uint64_t m = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
    do {
      digits[n++] = static_cast<char>('0' + m % 10);
      m /= 10;
    } while (m != 0);
    if (v < 0) add("-");
    while (n != 0)
      add(std::string_view(&digits[--n], 1));
    return *this;
  }
  RpcError& add(unsigned v) noexcept { return add(static_cast<std::int64_t>(v)); }
  RpcError& add(int v) noexcept { return add(static_cast<std::int64_t>(v)); }

  int code() const noexcept { return code_; }
  bool failed() const noexcept { return code_ != 0; }
  std::string_view message() const noexcept { return {message_.data(), len_}; }

 private:
  int code_ = 0;
  std::size_t len_ = 0;
  std::array<char, kMaxMessage> message_{};
};

}  // namespace aiopi::pico
