#include "aiopid/api/json_depth.hpp"

#include <string>

namespace aiopid::api {

std::size_t json_depth(std::string_view text, std::size_t max_depth) noexcept {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > deepest) {
          deepest = depth;
          if (deepest > max_depth) return deepest;
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return deepest;
}

std::optional<RpcError> check_json_depth(std::string_view text, std::size_t max_depth) {
  if (json_depth(text, max_depth) <= max_depth) return std::nullopt;
  Json data = Json::object();
  data["max_depth"] = max_depth;
  return RpcError{rpc_code::invalid_request,
                  "invalid request: JSON nested deeper than " + std::to_string(max_depth) + " levels",
                  std::move(data)};
}

}  // namespace aiopid::api
