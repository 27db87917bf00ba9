// The HTTP answers of the server: JSON bodies (a result, or {"error": {...}}) with the Server header and the
// keep-alive decision of the request.
#pragma once

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "aiopid/api/json.hpp"
#include "aiopid/api/rpc_error.hpp"

namespace aiopid::api::detail {

namespace http = boost::beast::http;

using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

/// 200 (or `status`) with `body` as application/json.
[[nodiscard]] HttpResponse json_response(http::status status, std::string body, const std::string& server,
                                         unsigned version, bool keep_alive);
[[nodiscard]] HttpResponse json_response(http::status status, const Json& body, const std::string& server,
                                         unsigned version, bool keep_alive);
/// The error's status (RpcError::http_status, or `status` when given) and {"error": {...}}.
[[nodiscard]] HttpResponse error_response(const RpcError& error, const std::string& server, unsigned version,
                                          bool keep_alive, int status = 0);
/// No body (POST /api/v1/rpc with only notifications).
[[nodiscard]] HttpResponse no_content(const std::string& server, unsigned version, bool keep_alive);
/// Serialises a JSON answer; invalid UTF-8 in strings is replaced rather than thrown on.
[[nodiscard]] std::string dump(const Json& j);

}  // namespace aiopid::api::detail
