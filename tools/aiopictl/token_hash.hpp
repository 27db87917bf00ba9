// `aiopictl token-hash`: a token's line for the daemon's credentials file, "NAME SCOPE sha256:HEX" (the file
// keeps only the hash; docs/design/remote-api.md, "Security").
#pragma once

#include <string>
#include <string_view>

namespace aiopictl {

/// 32 random bytes (OpenSSL RAND_bytes) in base64url without padding: 43 characters, safe in a header and a
/// query string.
[[nodiscard]] std::string generate_token();

/// The credentials-file line (api::TokenStore::line_for), checked by the daemon's own parser
/// (TokenStore::parse). Throws Failure (usage) for a NAME the daemon would refuse, an unknown SCOPE, an empty
/// token or one with white space.
[[nodiscard]] std::string credentials_line(std::string_view name, std::string_view scope,
                                           std::string_view token);

/// A token as read from a file or stdin: the first line, surrounding white space removed.
[[nodiscard]] std::string token_from_text(std::string_view text);

}  // namespace aiopictl
