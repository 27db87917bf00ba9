// Dotted key paths for messages and TOML output: "devices.led.line", "tasks.blink.actions[1].duration",
// 'devices."my led"' (keys that are not bare TOML keys are quoted).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace aiopid::config {

/// True for a TOML bare key: letters, digits, '_' and '-' only, not empty.
bool is_bare_key(std::string_view key) noexcept;

/// The key as TOML writes it: bare, or quoted with escapes.
std::string toml_key(std::string_view key);

/// A TOML basic string literal with escapes: "a \"b\"\n".
std::string toml_string(std::string_view text);

/// `path` + "." + key (just the key when path is empty).
std::string join_key(std::string_view path, std::string_view key);

/// `path` + "[index]".
std::string join_index(std::string_view path, std::size_t index);

}  // namespace aiopid::config
