// Listener: accepts TCP connections and starts a Session for each (or a rejecting one past
// max_connections). Touched only on its strand after run(); close() may be called from any thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "http/server_context.h"

namespace orderstream::http {

// Owned by its pending accept (and by the Server until stop()); dies once the acceptor is closed
// and the last accept completes.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& ioc, std::shared_ptr<ServerContext> ctx);

  // Binds and listens. IOError if the address cannot be bound; InvalidArgument for a bad host.
  // REQUIRES: called once, before run().
  [[nodiscard]] Status open(const std::string& host, uint16_t port);
  uint16_t port() const { return port_; }
  void run();
  // Stops accepting; connections already accepted are not affected.
  void close();

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  std::shared_ptr<ServerContext> ctx_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  uint16_t port_ = 0;
};

}  // namespace orderstream::http
