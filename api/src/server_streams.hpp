// The two transports a connection runs on: plain TCP and TLS over TCP (Beast's tcp_stream carries the
// timeouts). The sessions are templates over these and instantiated for both in their .cpp files.
#pragma once

#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

namespace aiopid::api::detail {

namespace beast = boost::beast;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
inline constexpr bool is_tls = !std::is_same_v<Stream, PlainStream>;

}  // namespace aiopid::api::detail
