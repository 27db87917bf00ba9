#include "failure.hpp"

#include "aiopid/api/rpc_error.hpp"

namespace aiopictl {

using aiopid::api::Json;

Failure Failure::connection(std::string_view url, std::string_view what) {
  return Failure(ExitCode::connection, "cannot reach " + std::string(url) + ": " + std::string(what));
}

Failure Failure::usage(std::string message) {
  return Failure(ExitCode::usage, std::move(message));
}

Failure Failure::from_rpc_error(std::string_view method, const Json& error) {
  int code = aiopid::api::rpc_code::internal_error;
  std::string message = "error";
  std::vector<std::string> details;
  if (error.is_object()) {
    if (auto it = error.find("code"); it != error.end() && it->is_number_integer()) code = it->get<int>();
    if (auto it = error.find("message"); it != error.end() && it->is_string())
      message = it->get<std::string>();
    if (auto data = error.find("data"); data != error.end() && data->is_object()) {
      if (auto errors = data->find("errors"); errors != data->end() && errors->is_array()) {
        for (const auto& e : *errors)
          details.push_back(e.is_string() ? e.get<std::string>() : e.dump());
      }
    }
  }
  const bool auth = code == aiopid::api::rpc_code::unauthorized || code == aiopid::api::rpc_code::forbidden;
  return Failure(auth ? ExitCode::auth : ExitCode::method_error,
                 std::string(method) + ": " + message + " (" + std::to_string(code) + ")",
                 std::move(details));
}

}  // namespace aiopictl
