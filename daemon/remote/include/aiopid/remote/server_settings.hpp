// The API server's settings from the [api] section and the tokens file: which tokens file applies (the
// explicit one, else systemd's credentials directory, else /etc/aiopi/tokens), and the safety rule that a
// listener beyond loopback needs tokens. Errors are messages for the log; aiopid exits 78 on them.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "aiopid/api/server_config.hpp"
#include "aiopid/config/config.hpp"

namespace aiopid::remote {

/// The tokens file `settings` selects: its `tokens_file`, else `$CREDENTIALS_DIRECTORY/aiopid-tokens`, else
/// `/etc/aiopi/tokens` — the first that is set / exists; "" when none (no tokens).
std::string tokens_path(const config::ApiSettings& settings, const char* credentials_directory,
                        const std::string& etc_tokens = "/etc/aiopi/tokens");

/// Whether an address given in `listen` is a loopback one (127.0.0.0/8, ::1, "localhost").
bool is_loopback(const std::string& address);

/// The server's configuration, or every reason it cannot start.
std::variant<api::ServerConfig, std::vector<std::string>> server_config(const config::ApiSettings& settings,
                                                                        const std::string& tokens_file,
                                                                        const std::string& version);

}  // namespace aiopid::remote
