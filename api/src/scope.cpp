#include "aiopid/api/scope.hpp"

namespace aiopid::api {

std::string_view scope_name(Scope s) noexcept {
  switch (s) {
    case Scope::read:
      return "read";
    case Scope::control:
      return "control";
    case Scope::admin:
      return "admin";
  }
  return "read";
}

std::optional<Scope> parse_scope(std::string_view text) noexcept {
  if (text == "read") return Scope::read;
  if (text == "control") return Scope::control;
  if (text == "admin") return Scope::admin;
  return std::nullopt;
}

}  // namespace aiopid::api
