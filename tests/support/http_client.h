// A small synchronous HTTP/1.1 client for tests (Boost.Beast), plus a raw TCP socket for sending
// hand-written bytes. Every call has a timeout; errors become status 0 with the error text in body.
// Each object is used by one thread at a time.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace orderstream::test {

struct HttpResult {
  int status = 0;  // 0: transport error, text in body
  std::string body;
  std::map<std::string, std::string> headers;  // lower-cased names
  // "" if absent. `name` in any case.
  std::string header(std::string name) const {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// A keep-alive connection to 127.0.0.1:port. Reconnects lazily after the server closes it.
class HttpConnection {
 public:
  explicit HttpConnection(uint16_t port, int timeout_ms = 30000)
      : port_(port), timeout_ms_(timeout_ms) {}

  // Sent with every request (e.g. Authorization).
  std::vector<std::pair<std::string, std::string>> extra_headers;

  HttpResult request(boost::beast::http::verb verb, const std::string& target,
                     const std::string& body = "",
                     const std::string& content_type = "application/json") {
    namespace http = boost::beast::http;
    HttpResult out;
    boost::beast::error_code ec;
    if (!stream_) {
      stream_.emplace(ioc_);
      run(
          [&](auto done) {
            boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), port_);
            stream_->async_connect(ep, [done](boost::beast::error_code e) { done(e); });
          },
          ec);
      if (ec) return fail(out, "connect", ec);
    }
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : extra_headers) req.set(name, value);
    req.keep_alive(true);
    if (!body.empty() || verb == http::verb::post || verb == http::verb::put) {
      req.set(http::field::content_type, content_type);
      req.body() = body;
    }
    req.prepare_payload();
    run(
        [&](auto done) {
          http::async_write(*stream_, req, [done](boost::beast::error_code e, size_t) { done(e); });
        },
        ec);
    if (ec) return fail(out, "write", ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    run(
        [&](auto done) {
          http::async_read(*stream_, buffer_, parser,
                           [done](boost::beast::error_code e, size_t) { done(e); });
        },
        ec);
    if (ec) return fail(out, "read", ec);
    auto res = parser.release();
    out.status = res.result_int();
    out.body = res.body();
    for (const auto& f : res) {
      std::string name(f.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      out.headers[name] = std::string(f.value());
    }
    if (!res.keep_alive()) close();
    return out;
  }

  void close() {
    stream_.reset();
    buffer_.clear();
  }
  bool connected() const { return stream_.has_value(); }

 private:
  // Starts an async op via `start(done)` and runs the io_context until it completes or times out.
  template <class Start>
  void run(Start start, boost::beast::error_code& ec) {
    ec = {};
    bool finished = false;
    stream_->expires_after(std::chrono::milliseconds(timeout_ms_));
    start([&](boost::beast::error_code e) {
      ec = e;
      finished = true;
    });
    ioc_.restart();
    ioc_.run();
    if (!finished) ec = boost::beast::error::timeout;
  }

  HttpResult& fail(HttpResult& out, const char* op, const boost::beast::error_code& ec) {
    out.status = 0;
    out.body = std::string(op) + ": " + ec.message();
    close();
    return out;
  }

  uint16_t port_;
  int timeout_ms_;
  boost::asio::io_context ioc_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

// One request on a fresh connection.
inline HttpResult http_request(uint16_t port, boost::beast::http::verb verb,
                               const std::string& target, const std::string& body = "",
                               const std::string& content_type = "application/json",
                               int timeout_ms = 30000) {
  HttpConnection c(port, timeout_ms);
  return c.request(verb, target, body, content_type);
}

// A raw TCP connection for malformed, pipelined or slow requests.
class RawSocket {
 public:
  explicit RawSocket(uint16_t port) : socket_(ioc_) {
    boost::system::error_code ec;
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    connected_ = !ec;
  }
  bool connected() const { return connected_; }

  // Writes all bytes; false on error (e.g. the server closed the connection).
  bool write(const std::string& bytes) {
    boost::system::error_code ec;
    boost::asio::write(socket_, boost::asio::buffer(bytes), ec);
    return !ec;
  }

  // Closes the connection with a TCP reset (SO_LINGER 0), as a killed client's kernel would.
  void reset() {
    boost::system::error_code ec;
    socket_.set_option(boost::asio::socket_base::linger(true, 0), ec);
    socket_.close(ec);
  }

  // Reads until the server closes the connection, `until` appears in what was read (if given), or
  // the timeout passes. Sets *closed when the connection ended (EOF or reset).
  std::string read(int timeout_ms, const std::string& until = "", bool* closed = nullptr) {
    std::string out;
    bool done = false, eof = false;
    char buf[4096];
    std::function<void()> do_read = [&] {
      socket_.async_read_some(boost::asio::buffer(buf),
                              [&](boost::system::error_code ec, size_t n) {
                                out.append(buf, n);
                                if (ec) {
                                  eof = ec != boost::asio::error::operation_aborted;
                                  done = true;
                                } else if (!until.empty() && out.find(until) != std::string::npos) {
                                  done = true;
                                } else {
                                  do_read();
                                }
                              });
    };
    do_read();
    ioc_.restart();
    ioc_.run_for(std::chrono::milliseconds(timeout_ms));
    if (!done) {
      socket_.cancel();
      ioc_.restart();
      ioc_.run();
    }
    if (closed) *closed = eof;
    return out;
  }

  // Appends what arrives to *seen until `until` is in it (true), the connection ends or
  // `timeout_ms` pass (false). For streamed responses, where `until` may span several reads.
  bool read_until(std::string* seen, const std::string& until, int timeout_ms = 10000) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (seen->find(until) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      bool closed = false;
      // Short reads, so `until` split across reads is found by the check above.
      *seen += read(static_cast<int>(std::min<int64_t>(left.count(), 200)), until, &closed);
      if (closed) return seen->find(until) != std::string::npos;
    }
    return true;
  }

 private:
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  bool connected_ = false;
};

}  // namespace orderstream::test
