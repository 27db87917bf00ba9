// aiopictl's exit statuses: scripts tell a refused request from an unreachable or unauthorised daemon.
#pragma once

namespace aiopictl {

enum class ExitCode : int {
  ok = 0,
  method_error = 1,  ///< the daemon answered with a JSON-RPC error (other than -32001 / -32002)
  usage = 2,         ///< bad command line (CLI11) or a bad argument (params that are not JSON, a bad scope)
  connection = 3,  ///< cannot connect, TLS failure, timeout, connection lost, an answer that is not JSON-RPC
  auth = 4,        ///< -32001 / -32002, HTTP 401 / 403 (also a refused WebSocket upgrade)
};

[[nodiscard]] constexpr int to_int(ExitCode c) noexcept {
  return static_cast<int>(c);
}

}  // namespace aiopictl
