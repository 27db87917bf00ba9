#include "server_http_response.hpp"

namespace aiopid::api::detail {

std::string dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

HttpResponse json_response(http::status status, std::string body, const std::string& server, unsigned version,
                           bool keep_alive) {
  HttpResponse res{status, version};
  res.set(http::field::server, server);
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse json_response(http::status status, const Json& body, const std::string& server, unsigned version,
                           bool keep_alive) {
  return json_response(status, dump(body), server, version, keep_alive);
}

HttpResponse error_response(const RpcError& error, const std::string& server, unsigned version,
                            bool keep_alive, int status) {
  Json body = Json::object();
  body["error"] = error.to_json();
  HttpResponse res = json_response(static_cast<http::status>(status != 0 ? status : error.http_status()),
                                   dump(body), server, version, keep_alive);
  if (error.code == rpc_code::unauthorized) res.set(http::field::www_authenticate, "Bearer");
  return res;
}

HttpResponse no_content(const std::string& server, unsigned version, bool keep_alive) {
  HttpResponse res{http::status::no_content, version};
  res.set(http::field::server, server);
  res.keep_alive(keep_alive);
  return res;
}

}  // namespace aiopid::api::detail
