// JSON-RPC 2.0 answers (https://www.jsonrpc.org/specification): the response objects, and the answer that
// refuses a whole message without running it (the server's in-flight / rate limits, a loop that is
// stopping), which must answer exactly the requests the message holds.
#pragma once

#include <optional>
#include <vector>

#include "aiopid/api/json.hpp"
#include "aiopid/api/rpc_error.hpp"

namespace aiopid::api {

/// {"jsonrpc":"2.0","result":RESULT,"id":ID}
[[nodiscard]] Json jsonrpc_result(Json id, Json result);
/// {"jsonrpc":"2.0","error":{code, message[, data]},"id":ID}
[[nodiscard]] Json jsonrpc_error(Json id, const RpcError& error);

/// What a message's answer is made of, kept apart from the message so it can be answered later without it:
/// one id per request that would be answered (null for an invalid one), in order.
struct AnswerShape {
  bool batch = false;
  std::vector<Json> ids;  ///< empty: nothing would be answered (a notification, a batch of notifications)
  bool invalid = false;   ///< not an object or array, or an empty batch: answered by one -32600
};
[[nodiscard]] AnswerShape answer_shape(const Json& message);

/// The answer that refuses every request of the message with `error` (notifications get none; a message
/// that is not a request at all gets the usual -32600). nullopt: nothing to send.
[[nodiscard]] std::optional<Json> refuse(const AnswerShape& shape, const RpcError& error);
[[nodiscard]] inline std::optional<Json> refuse(const Json& message, const RpcError& error) {
  return refuse(answer_shape(message), error);
}

}  // namespace aiopid::api
