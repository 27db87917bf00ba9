// The TLS server context (TLS 1.2 and later) from the configured PEM certificate chain and key.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include <boost/asio/ssl/context.hpp>

namespace aiopid::api::detail {

/// The context, or an error message naming the file that could not be used.
[[nodiscard]] std::variant<std::unique_ptr<boost::asio::ssl::context>, std::string> make_tls_context(
    const std::string& certificate, const std::string& key);

}  // namespace aiopid::api::detail
