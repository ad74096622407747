// A minimal keep-alive HTTP/1.1 client for `orderstream load` (Boost.Beast, synchronous). One
// per load thread; not thread-safe. Reconnects once when the server closed the connection.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace orderstream::cli {

struct HttpReply {
  int status = 0;  // 0: transport error (message in body)
  std::string body;
};

// The API token the CLI's HTTP clients send (`Authorization: Bearer`), empty for none. Starts
// as ORDERSTREAM_API_TOKEN; a command's --api-token sets it. REQUIRES: set before any client
// thread starts.
const std::string& client_token();
void set_client_token(std::string token);
// Adds --api-token TOKEN (also ORDERSTREAM_API_TOKEN) to a command whose clients talk HTTP.
void add_api_token_option(CLI::App* cmd);

class LoadClient {
 public:
  LoadClient(std::string host, std::string port, std::string token = client_token());
  HttpReply request(boost::beast::http::verb verb, const std::string& target,
                    const std::string& body);

 private:
  HttpReply attempt(boost::beast::http::verb verb, const std::string& target,
                    const std::string& body);
  std::string host_, port_, token_;
  boost::asio::io_context io_;
  std::optional<boost::beast::tcp_stream> stream_;
};

// GETs `target` on its own connection and hands the body to on_body piece by piece as it
// arrives, so a long body (a Server-Sent Events stream) is never held whole; each view is valid
// only during its call. on_body returns false to stop reading (the connection is then closed).
// The reply's status is the server's (0: transport error); its body holds the error text, or the
// whole body of a non-200 answer, and is empty otherwise.
HttpReply stream_get(const std::string& host, const std::string& port, const std::string& target,
                     const std::function<bool(std::string_view)>& on_body);

// Splits "http://host:port[/...]" into host and port (port 80 when none; an IPv6 literal without
// its brackets). False if it is not such a URL.
bool parse_http_url(const std::string& url, std::string* host, std::string* port);

}  // namespace orderstream::cli
