// What a caller may do: read ⊂ control ⊂ admin. A token carries one scope; a method needs one.
#pragma once

#include <optional>
#include <string_view>

namespace aiopid::api {

enum class Scope { read = 0, control = 1, admin = 2 };

[[nodiscard]] constexpr bool allows(Scope have, Scope need) noexcept {
  return static_cast<int>(have) >= static_cast<int>(need);
}
[[nodiscard]] std::string_view scope_name(Scope s) noexcept;
[[nodiscard]] std::optional<Scope> parse_scope(std::string_view text) noexcept;

}  // namespace aiopid::api
