// The throughput baseline for the HTTP layer: the smallest Boost.Beast server that answers every
// request with a fixed 200 "ok" (keep-alive, one thread, no routing, no metrics). Compare
// `wrk -t1 -c32` against it and against `orderstream serve`.
//
//   http_baseline [--port P]    prints "listening on 127.0.0.1:PORT" once it accepts
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : stream_(std::move(socket)) {}
  void run() { do_read(); }

 private:
  void do_read() {
    parser_.emplace();
    parser_->body_limit(1 << 20);
    stream_.expires_after(std::chrono::seconds(60));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }
  void on_read(beast::error_code ec, size_t) {
    if (ec) return close();
    bool keep_alive = parser_->get().keep_alive();
    res_ = {http::status::ok, parser_->get().version()};
    res_.set(http::field::content_type, "text/plain");
    res_.body() = "ok";
    res_.keep_alive(keep_alive);
    res_.prepare_payload();
    http::async_write(stream_, res_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }
  void on_write(beast::error_code ec, size_t) {
    if (ec || !res_.keep_alive()) return close();
    do_read();
  }
  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::acceptor acceptor)
      : ioc_(ioc), acceptor_(std::move(acceptor)) {}
  void do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec) {
      std::fprintf(stderr, "accept: %s\n", ec.message().c_str());
    } else {
      std::make_shared<Session>(std::move(socket))->run();
    }
    do_accept();
  }
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  try {
    unsigned port = 0;
    for (int i = 1; i < argc; ++i) {
      if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
        port = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
      } else {
        std::fprintf(stderr, "usage: %s [--port P]\n", argv[0]);
        return 2;
      }
    }
    net::io_context ioc{1};
    tcp::acceptor acceptor(ioc);
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port));
    acceptor.open(ep.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(net::socket_base::max_listen_connections);
    unsigned bound = acceptor.local_endpoint().port();
    std::make_shared<Listener>(ioc, std::move(acceptor))->do_accept();
    std::printf("listening on 127.0.0.1:%u\n", bound);
    std::fflush(stdout);
    ioc.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "http_baseline: %s\n", e.what());
    return 1;
  }
  return 0;
}
