#include "server_tls.hpp"

#include <openssl/ssl.h>

namespace aiopid::api::detail {

namespace ssl = boost::asio::ssl;

std::variant<std::unique_ptr<ssl::context>, std::string> make_tls_context(const std::string& certificate,
                                                                          const std::string& key) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                   ec);
  if (ec) return "api: TLS: " + ec.message();
  if (SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION) != 1) {
    return std::string("api: TLS: cannot require TLS 1.2");
  }
  ctx->use_certificate_chain_file(certificate, ec);
  if (ec) return "api: tls_certificate " + certificate + ": " + ec.message();
  ctx->use_private_key_file(key, ssl::context::pem, ec);
  if (ec) return "api: tls_key " + key + ": " + ec.message();
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    return "api: tls_key " + key + " does not match tls_certificate " + certificate;
  }
  return ctx;
}

}  // namespace aiopid::api::detail
