#include "http/listener.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>

#include <utility>

#include "http/error_log.h"
#include "http/session.h"

namespace orderstream::http {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& ioc, std::shared_ptr<ServerContext> ctx)
    : ioc_(ioc),
      ctx_(std::move(ctx)),
      acceptor_(net::make_strand(ioc)),
      retry_timer_(acceptor_.get_executor()) {}

Status Listener::open(const std::string& host, uint16_t port) {
  beast::error_code ec;
  net::ip::address addr = net::ip::make_address(host, ec);
  if (ec) return invalid_argument("bad listen address '" + host + "': " + ec.message());
  tcp::endpoint ep(addr, port);
  std::string where = host + ":" + std::to_string(port);
  if (acceptor_.open(ep.protocol(), ec); ec) return io_error("open " + where + ": " + ec.message());
  if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec) {
    return io_error("set reuse_address " + where + ": " + ec.message());
  }
  if (acceptor_.bind(ep, ec); ec) return io_error("bind " + where + ": " + ec.message());
  if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) {
    return io_error("listen " + where + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint(ec).port();
  if (ec) return io_error("local_endpoint " + where + ": " + ec.message());
  return Status::ok();
}

void Listener::run() {
  net::dispatch(acceptor_.get_executor(),
                beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
}

void Listener::close() {
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->retry_timer_.cancel();
  });
}

void Listener::do_accept() {
  if (!acceptor_.is_open()) return;
  // Each connection gets its own strand.
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (!acceptor_.is_open() || ec == net::error::operation_aborted) return;
  if (ec) {
    // E.g. out of file descriptors: log, back off briefly so we do not spin, and keep accepting.
    log_rate_limited("accept", ec);
    retry_timer_.expires_after(std::chrono::milliseconds(10));
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  if (ctx_->try_open()) {
    std::make_shared<Session>(std::move(socket), ctx_, /*counted=*/true, /*reject=*/false)->run();
  } else {
    log_rate_limited("accept", "max_connections reached; answering 503");
    std::make_shared<Session>(std::move(socket), ctx_, /*counted=*/false, /*reject=*/true)->run();
  }
  do_accept();
}

}  // namespace orderstream::http
