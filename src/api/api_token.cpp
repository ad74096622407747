#include "api/api_token.h"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/string.hpp>

#include <memory>

#include "api/api.h"

namespace orderstream::api {

namespace bhttp = boost::beast::http;

bool constant_time_equal(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < b.size(); ++i)
    diff |= static_cast<unsigned char>((i < a.size() ? a[i] : 0) ^ b[i]);
  return diff == 0;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  std::string h = host;
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(h, ec);
  return !ec && addr.is_loopback();
}

Guard token_guard(TokenPolicy policy) {
  auto p = std::make_shared<const TokenPolicy>(std::move(policy));
  return [p](const Request& req, std::string_view path) -> std::optional<Response> {
    bool read = req.method() == bhttp::verb::get || req.method() == bhttp::verb::head;
    // Liveness probes and load balancers carry no credentials; /health tells them nothing secret.
    if (read && (path == "/health" || (p->metrics_public && path == "/metrics"))) return std::nullopt;
    if (read && ui_public_path(path)) return std::nullopt;
    std::string_view auth = req[bhttp::field::authorization];
    constexpr std::string_view kBearer = "Bearer ";
    bool bearer = auth.size() >= kBearer.size() && boost::beast::iequals(auth.substr(0, kBearer.size()), kBearer);
    if (bearer && constant_time_equal(auth.substr(kBearer.size()), p->token)) return std::nullopt;
    Response res = error_response(
        bhttp::status::unauthorized, "Unauthenticated",
        auth.empty() ? "this server requires an API token: send the header 'Authorization: Bearer <token>'"
                     : "the API token is wrong (expected 'Authorization: Bearer <token>' with the server's --api-token)");
    res.set(bhttp::field::www_authenticate, "Bearer realm=\"orderstream\"");
    return res;
  };
}

}  // namespace orderstream::api
