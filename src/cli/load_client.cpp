#include "cli/load_client.h"

#include <boost/asio/connect.hpp>
#include <boost/beast/core/flat_buffer.hpp>

namespace orderstream::cli {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

LoadClient::LoadClient(std::string host, std::string port)
    : host_(std::move(host)), port_(std::move(port)) {}

HttpReply LoadClient::request(bhttp::verb verb, const std::string& target, const std::string& body) {
  HttpReply r = attempt(verb, target, body);
  if (r.status == 0) r = attempt(verb, target, body);  // the server may have closed an idle connection
  return r;
}

HttpReply LoadClient::attempt(bhttp::verb verb, const std::string& target, const std::string& body) {
  beast::error_code ec;
  if (!stream_) {
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(host_, port_, ec);
    if (ec) return {0, "resolve: " + ec.message()};
    stream_.emplace(io_);
    stream_->connect(results, ec);
    if (ec) {
      stream_.reset();
      return {0, "connect: " + ec.message()};
    }
  }
  bhttp::request<bhttp::string_body> req{verb, target, 11};
  req.set(bhttp::field::host, host_);
  req.set(bhttp::field::content_type, "application/json");
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();
  stream_->expires_after(std::chrono::seconds(330));
  bhttp::write(*stream_, req, ec);
  beast::flat_buffer buf;
  bhttp::response<bhttp::string_body> res;
  if (!ec) bhttp::read(*stream_, buf, res, ec);
  if (ec) {
    stream_.reset();
    return {0, ec.message()};
  }
  if (!res.keep_alive()) stream_.reset();
  return {static_cast<int>(res.result_int()), std::move(res.body())};
}

bool parse_http_url(const std::string& url, std::string* host, std::string* port) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return false;
  std::string rest = url.substr(scheme.size());
  rest = rest.substr(0, rest.find('/'));
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos) {
    *host = rest;
    *port = "80";
  } else {
    *host = rest.substr(0, colon);
    *port = rest.substr(colon + 1);
  }
  return !host->empty() && !port->empty();
}

}  // namespace orderstream::cli
