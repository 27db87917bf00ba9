// Dispatcher: one request line in, one reply line out (docs/design/pico-tether.md, "Requests" and "Errors").
// Synchronous: every method answers from the device table at once (a sensor's value is its latest reading),
// so the server only has to frame lines and send what this writes.
//
//   {"jsonrpc":"2.0","id":7,"method":"devices.get","params":{"name":"led"}}
//   -> {"jsonrpc":"2.0","id":7,"result":{"name":"led","type":"digital_out",...}}
//
// Requests need an integer id and a string method; "jsonrpc", when present, must be "2.0". A request
// without a usable id is answered -32600 with id null (the tether has no daemon-to-Pico notifications).
// Parse errors are -32700 with the byte offset and reason in error.data.
#pragma once

#include <cstdint>
#include <string_view>

#include "aiopi/pico/device_table.hpp"
#include "aiopi/pico/json_writer.hpp"

namespace aiopi::pico {

class Dispatcher {
 public:
  /// `boot`: the number daemon.info reports, picked once at reset.
  Dispatcher(DeviceTable& devices, std::uint32_t boot) noexcept : devices_(devices), boot_(boot) {}

  /// Answers `line` (without its "\r\n") into `out`, '\n' included. A reply too long for `out` is replaced
  /// by an error reply.
  void handle(std::string_view line, JsonWriter& out);
  /// The reply to a line longer than LineFramer::kMaxLine: -32600, id null.
  static void overlong(JsonWriter& out);

  std::uint32_t boot() const noexcept { return boot_; }
  std::uint32_t requests() const noexcept { return requests_; }

 private:
  DeviceTable& devices_;
  std::uint32_t boot_;
  std::uint32_t requests_ = 0;
};

}  // namespace aiopi::pico
