// The tether's messages (docs/design/pico-tether.md): JSON-RPC 2.0 requests from the daemon, one per line,
// and what a line from the Pico can be — an answer to a request, a notification, a comment (`#...`), or
// something unreadable. Also the conversions between the protocol's JSON values and the runtime's types
// (values, readings with units, event data).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "aiopid/config/node.hpp"
#include "aiopid/runtime/operations.hpp"
#include "nlohmann/json.hpp"

namespace aiopid::tether {

using Json = nlohmann::json;

/// An answer to a request: `result`, or `error` with its code and message. `id` < 0: the Pico's `id` was
/// null (it could not read the request, or the line was too long).
struct Response {
  std::int64_t id = -1;
  bool ok = false;
  Json result;
  int code = 0;
  std::string message;
};

/// `{"method":"notify","params":{"topic":"device.NAME.WHAT","mono_us":T,"data":{...}}}`.
struct Notification {
  std::string device;  ///< NAME of the topic
  std::string what;    ///< WHAT: value, edge, state, press, double, ...
  std::int64_t mono_us = 0;
  Json data;
};

/// A line starting with '#': the firmware's banner, a `#panic: ...` report.
struct Comment {
  std::string text;  ///< without the '#'
  [[nodiscard]] bool panic() const noexcept { return text.starts_with("panic:"); }
};

/// A line that is none of these (why says what is wrong).
struct Malformed {
  std::string why;
};

using Incoming = std::variant<Response, Notification, Comment, Malformed>;

/// What a line from the Pico (as LineFramer cut it) is.
Incoming decode_line(std::string_view line);

/// A request line, '\n' included: `{"jsonrpc":"2.0","id":ID,"method":M[,"params":P]}` (no params when null).
std::string encode_request(std::int64_t id, std::string_view method, const Json& params = nullptr);

/// A config tree (a device's params) as JSON.
Json json_of(const config::Node& node);
/// A write's value: a level (bool) or a duty (number).
Json json_of(const runtime::SetValue& value);

/// A device's value from the protocol (`value`, and `unit` when the answer has one) as the runtime's
/// reading: bool, a number (double), or an object's members as named readings with their units (a
/// driver's). `type` fills in the units the device object leaves out (htu21d: °C, %RH). nullopt: null or a
/// value of no known shape.
std::optional<runtime::DeviceReading> reading_of(const Json& value, const Json& unit, std::string_view type);

/// An event's data object as named readings (bool, integer, number, text; other members are left out).
std::vector<runtime::Reading> readings_of(const Json& data);

}  // namespace aiopid::tether
