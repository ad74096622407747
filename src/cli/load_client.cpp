#include "cli/load_client.h"

#include <CLI/CLI.hpp>

#include <boost/asio/connect.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <cstdlib>

namespace orderstream::cli {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

std::string& token_slot() {
  static std::string token = [] {
    const char* env = std::getenv("ORDERSTREAM_API_TOKEN");
    return std::string(env ? env : "");
  }();
  return token;
}

}  // namespace

const std::string& client_token() { return token_slot(); }
void set_client_token(std::string token) { token_slot() = std::move(token); }

void add_api_token_option(CLI::App* cmd) {
  cmd->add_option_function<std::string>(
         "--api-token", [](const std::string& t) { set_client_token(t); },
         "The server's API token (sent as 'Authorization: Bearer TOKEN')")
      ->envname("ORDERSTREAM_API_TOKEN")
      ->type_name("TOKEN");
}

LoadClient::LoadClient(std::string host, std::string port, std::string token)
    : host_(std::move(host)), port_(std::move(port)), token_(std::move(token)) {}

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
  if (!token_.empty()) req.set(bhttp::field::authorization, "Bearer " + token_);
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

HttpReply stream_get(const std::string& host, const std::string& port, const std::string& target,
                     const std::function<bool(std::string_view)>& on_body) {
  boost::asio::io_context io;
  beast::error_code ec;
  tcp::resolver resolver(io);
  auto results = resolver.resolve(host, port, ec);
  if (ec) return {0, "resolve: " + ec.message()};
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(330));
  stream.connect(results, ec);
  if (ec) return {0, "connect: " + ec.message()};
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, host);
  if (!client_token().empty()) req.set(bhttp::field::authorization, "Bearer " + client_token());
  req.keep_alive(false);
  bhttp::write(stream, req, ec);
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.body_limit(boost::none);  // the caller sees the body piece by piece and may stop
  if (!ec) bhttp::read_header(stream, buf, parser, ec);
  if (ec) return {0, ec.message()};
  int status = static_cast<int>(parser.get().result_int());
  std::string error_body;
  char piece[64 * 1024];
  while (!parser.is_done()) {
    parser.get().body().data = piece;
    parser.get().body().size = sizeof(piece);
    stream.expires_after(std::chrono::seconds(330));
    bhttp::read(stream, buf, parser, ec);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) return {0, ec.message()};
    std::string_view got(piece, sizeof(piece) - parser.get().body().size);
    if (status != 200) {
      if (error_body.size() < 4096) error_body += got;
    } else if (!got.empty() && !on_body(got)) {
      break;
    }
  }
  return {status, std::move(error_body)};
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
  // An IPv6 literal is written in brackets ("[::1]:8080"); the resolver wants it without.
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  return !host->empty() && !port->empty();
}

}  // namespace orderstream::cli
