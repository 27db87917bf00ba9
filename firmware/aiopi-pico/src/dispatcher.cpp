#include "aiopi/pico/dispatcher.hpp"

#include <array>
#include <optional>

#include "aiopi/pico/json_reader.hpp"
#include "aiopi/pico/line_framer.hpp"
#include "aiopi/pico/version.hpp"

namespace aiopi::pico {

namespace {

void begin_reply(JsonWriter& out, std::optional<std::int64_t> id) {
  out.clear();
  out.begin_object().key("jsonrpc").str("2.0").key("id");
  if (id) {
    out.integer(*id);
  } else {
    out.null();
  }
}

void error_reply(JsonWriter& out, std::optional<std::int64_t> id, int code, std::string_view message) {
  begin_reply(out, id);
  out.key("error").begin_object().key("code").integer(code).key("message").str(message).end_object();
  out.end_object().raw("\n");
}

void error_reply(JsonWriter& out, std::optional<std::int64_t> id, const RpcError& err) {
  error_reply(out, id, err.code(), err.message());
}

/// The params' "name" as a string (decoded), or an error.
bool name_param(JsonValue params, std::array<char, DeviceTable::kMaxName + 1>& buf, std::string_view& name,
                RpcError& err) {
  JsonValue v = params.find("name");
  if (!v.is_string()) {
    err.fail(rpc_code::kInvalidParams).add("name: a string is required");
    return false;
  }
  std::optional<std::size_t> n = v.decode(buf);
  if (!n) {
    // Longer than any device name: no device has it.
    err.fail(rpc_code::kNoSuchDevice).add("no such device: ").add(v.raw());
    return false;
  }
  name = std::string_view(buf.data(), *n);
  return true;
}

}  // namespace

void Dispatcher::overlong(JsonWriter& out) {
  error_reply(out, std::nullopt, rpc_code::kInvalidRequest, "line longer than 512 bytes, discarded");
}

void Dispatcher::handle(std::string_view line, JsonWriter& out) {
  ++requests_;
  JsonParse parsed = parse_json(line);
  if (!parsed.ok()) {
    begin_reply(out, std::nullopt);
    out.key("error")
        .begin_object()
        .key("code")
        .integer(rpc_code::kParseError)
        .key("message")
        .str("parse error");
    out.key("data")
        .begin_object()
        .key("offset")
        .integer(static_cast<std::int64_t>(parsed.error.offset))
        .key("reason")
        .str(parsed.error.what)
        .end_object();
    out.end_object().end_object().raw("\n");
    return;
  }
  const JsonValue req = parsed.root;
  if (!req.is_object()) {
    error_reply(out, std::nullopt, rpc_code::kInvalidRequest, "a request is a JSON object");
    return;
  }
  const std::optional<std::int64_t> id = req.find("id").as_int();
  if (!id) {
    error_reply(out, std::nullopt, rpc_code::kInvalidRequest, "id: an integer is required");
    return;
  }
  const JsonValue version = req.find("jsonrpc");
  if (version && !version.equals("2.0")) {
    error_reply(out, id, rpc_code::kInvalidRequest, "jsonrpc: must be \"2.0\"");
    return;
  }
  const JsonValue method = req.find("method");
  if (!method.is_string()) {
    error_reply(out, id, rpc_code::kInvalidRequest, "method: a string is required");
    return;
  }
  const JsonValue params = req.find("params");
  if (params && !params.is_object() && !params.is_null() && !(params.is_array() && params.size() == 0)) {
    error_reply(out, id, rpc_code::kInvalidParams, "params: must be an object");
    return;
  }

  RpcError err;
  std::array<char, DeviceTable::kMaxName + 1> name_buf{};
  std::string_view name;
  Device* device = nullptr;
  // The methods that act on one named device look it up first.
  const bool named =
      method.equals("devices.get") || method.equals("devices.set") || method.equals("devices.read");
  if (named) {
    if (!name_param(params, name_buf, name, err)) {
      error_reply(out, id, err);
      return;
    }
    device = devices_.find(name);
    if (device == nullptr) {
      err.fail(rpc_code::kNoSuchDevice).add("no such device: '").add(name).add("'");
      error_reply(out, id, err);
      return;
    }
  }

  begin_reply(out, id);
  out.key("result");
  if (method.equals("daemon.info")) {
    out.begin_object()
        .key("name")
        .str(kFirmwareName)
        .key("version")
        .str(kFirmwareVersion)
        .key("protocol")
        .integer(kProtocolVersion)
        .key("boot")
        .integer(boot_)
        .key("uptime_us")
        .integer(devices_.loop().now().time_since_epoch().count())
        .key("devices")
        .integer(static_cast<std::int64_t>(devices_.size()))
        .key("max_devices")
        .integer(static_cast<std::int64_t>(DeviceTable::kMaxDevices))
        .end_object();
  } else if (method.equals("devices.list")) {
    out.begin_array();
    for (std::size_t i = 0; i < DeviceTable::kMaxDevices; ++i)
      if (Device* d = devices_.at(i)) DeviceTable::describe(*d, out);
    out.end_array();
  } else if (method.equals("devices.open")) {
    Device* d = devices_.open(params.find("name"), params.find("type"), params.find("params"), err);
    if (d == nullptr) {
      error_reply(out, id, err);
      return;
    }
    DeviceTable::describe(*d, out);
  } else if (method.equals("devices.close")) {
    if (!name_param(params, name_buf, name, err) || !devices_.close(name, err)) {
      error_reply(out, id, err);
      return;
    }
    out.begin_object().key("name").str(name).key("closed").boolean(true).end_object();
  } else if (method.equals("devices.get")) {
    DeviceTable::describe(*device, out);
  } else if (method.equals("devices.set")) {
    const JsonValue value = params.find("value");
    if (device->direction() == Direction::output && !value) {
      error_reply(out, id, rpc_code::kInvalidParams, "value: is required");
      return;
    }
    if (device->direction() == Direction::output && device->failing()) {
      err.fail(rpc_code::kNotOpen).add("'").add(name).add("' is failing: ").add(device->error());
      error_reply(out, id, err);
      return;
    }
    if (!device->set(value, err)) {
      error_reply(out, id, err);
      return;
    }
    DeviceTable::describe(*device, out);
  } else if (method.equals("devices.read")) {
    if (device->failing()) {
      err.fail(rpc_code::kNotOpen).add("'").add(name).add("' is failing: ").add(device->error());
      error_reply(out, id, err);
      return;
    }
    out.begin_object().key("name").str(name);
    device->write_reading(out);
    out.end_object();
  } else {
    err.fail(rpc_code::kMethodNotFound).add("method not found: ").add(method.raw());
    error_reply(out, id, err);
    return;
  }
  out.end_object().raw("\n");
  if (!out.ok()) error_reply(out, id, rpc_code::kInvalidRequest, "reply too long for the reply buffer");
}

}  // namespace aiopi::pico
