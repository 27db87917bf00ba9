// Why a command failed, as an exception carrying the exit status and the one line to print
// ("aiopictl: " + what()). Thrown by the transport and the commands, caught once in run().
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "aiopid/api/json.hpp"
#include "exit_code.hpp"

namespace aiopictl {

class Failure : public std::runtime_error {
 public:
  Failure(ExitCode code, std::string message, std::vector<std::string> details = {})
      : std::runtime_error(std::move(message)), code_(code), details_(std::move(details)) {}

  [[nodiscard]] ExitCode code() const noexcept { return code_; }
  /// Extra lines printed after the message (a failed reload's config errors).
  [[nodiscard]] const std::vector<std::string>& details() const noexcept { return details_; }

  /// Exit 3: "cannot reach URL: WHAT".
  static Failure connection(std::string_view url, std::string_view what);
  /// Exit 2.
  static Failure usage(std::string message);
  /// A JSON-RPC error object answered for METHOD: exit 4 for -32001 / -32002, else 1;
  /// "METHOD: MESSAGE (CODE)" plus data.errors as details.
  static Failure from_rpc_error(std::string_view method, const aiopid::api::Json& error);

 private:
  ExitCode code_;
  std::vector<std::string> details_;
};

}  // namespace aiopictl
