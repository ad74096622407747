// A minimal keep-alive HTTP/1.1 client for `orderstream load` (Boost.Beast, synchronous). One
// per load thread; not thread-safe. Reconnects once when the server closed the connection.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <string>

namespace orderstream::cli {

struct HttpReply {
  int status = 0;  // 0: transport error (message in body)
  std::string body;
};

class LoadClient {
 public:
  LoadClient(std::string host, std::string port);
  HttpReply request(boost::beast::http::verb verb, const std::string& target,
                    const std::string& body);

 private:
  HttpReply attempt(boost::beast::http::verb verb, const std::string& target,
                    const std::string& body);
  std::string host_, port_;
  boost::asio::io_context io_;
  std::optional<boost::beast::tcp_stream> stream_;
};

// Splits "http://host:port[/...]" into host and port. False if it is not such a URL.
bool parse_http_url(const std::string& url, std::string* host, std::string* port);

}  // namespace orderstream::cli
