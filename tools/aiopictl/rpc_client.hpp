// aiopictl's transport (Boost.Beast, plain or TLS through OpenSSL): one method over `POST /api/v1/rpc`, one
// over the WebSocket (`call`), and a subscription on the WebSocket (`watch`). Every failure is a Failure with
// the exit status it means (exit_code.hpp); connecting, the handshakes and each answer are bounded by the
// timeout, the notifications `watch` waits for are not.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "aiopid/api/json.hpp"
#include "request.hpp"
#include "url.hpp"

namespace aiopictl {

struct ClientOptions {
  ServerUrl url;
  std::string token;                          ///< sent as "Authorization: Bearer TOKEN"; empty: none
  std::chrono::milliseconds timeout{10'000};  ///< 0: none
  bool insecure = false;                      ///< TLS: skip the certificate and host name checks (--insecure)
  std::string ca_file;  ///< TLS: trust these PEM certificates instead of the system's (--cacert)
};

/// One method over HTTP (`POST PREFIX/api/v1/rpc`): its result, or throws Failure.
[[nodiscard]] Json call_http(const ClientOptions& options, const RpcCall& call);

/// One method over the WebSocket (`PREFIX/api/v1/ws`): its result, or throws Failure.
[[nodiscard]] Json call_websocket(const ClientOptions& options, const RpcCall& call);

/// Subscribes with `subscribe` on the WebSocket, then hands every `notify` notification's params (the
/// "dropped" notices too) to `on_notification` until it returns false; the connection is then closed
/// normally. The server closing the connection, or losing it, throws Failure (connection).
void watch(const ClientOptions& options, const RpcCall& subscribe,
           const std::function<bool(const Json& params)>& on_notification);

}  // namespace aiopictl
