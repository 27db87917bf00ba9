#include "server_auth.hpp"

#include <cctype>

#include "aiopid/api/url_query.hpp"

namespace aiopid::api::detail {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

/// Calls f(key, value_raw, whole_pair) for each `&`-separated pair of the query.
template <class F>
void for_each_pair(std::string_view query, F&& f) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    f(pair.substr(0, eq), eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), pair);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

}  // namespace

std::optional<std::string> bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer";
  if (authorization.size() <= scheme.size() || !iequals(authorization.substr(0, scheme.size()), scheme) ||
      authorization[scheme.size()] != ' ')
    return std::nullopt;
  std::string_view token = authorization.substr(scheme.size() + 1);
  while (!token.empty() && token.front() == ' ')
    token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
    token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return std::string(token);
}

std::optional<std::string> query_parameter(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  auto pairs = parse_query(target.substr(q + 1));
  if (!pairs) return std::nullopt;
  for (auto& [key, value] : *pairs) {
    if (key == name) return std::move(value);
  }
  return std::nullopt;
}

std::string without_query_parameter(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, q));
  std::string query;
  for_each_pair(target.substr(q + 1), [&](std::string_view key, std::string_view, std::string_view pair) {
    if (pair.empty() || percent_decode(key, true).value_or(std::string(key)) == name) return;
    if (!query.empty()) query.push_back('&');
    query.append(pair);
  });
  if (!query.empty()) out.append("?").append(query);
  return out;
}

std::variant<Principal, RpcError> authenticate(const TokenStore& tokens, std::string_view authorization,
                                               std::string_view target) {
  if (tokens.empty()) return Principal{"local", Scope::admin};
  std::optional<std::string> token =
      authorization.empty() ? query_parameter(target, "access_token") : bearer_token(authorization);
  if (!token) {
    return RpcError{rpc_code::unauthorized,
                    "unauthorized: a token is required (Authorization: Bearer TOKEN or ?access_token=TOKEN)",
                    nullptr};
  }
  if (auto principal = tokens.authenticate(*token)) return std::move(*principal);
  return RpcError{rpc_code::unauthorized, "unauthorized: unknown token", nullptr};
}

}  // namespace aiopid::api::detail
