// Server: a generic asynchronous HTTP/1.1 server (Boost.Beast) running a Router on its own io
// threads. No business logic. start()/stop() are called by the owner thread; io() from any.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "http/router.h"
#include "http/server_options.h"

namespace orderstream::http {

class Listener;
class ServerContext;

// Owned by main; outlives every Responder it handed out (stop services before destroying it).
// Records http_requests_total{route,method,status}, http_request_duration_seconds{route},
// http_connections_open and http_connections_rejected_total in the registry.
class Server {
 public:
  // REQUIRES: registry outlives the Server.
  Server(ServerOptions opts, Router router, metrics::Registry& registry);
  // Calls stop().
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (port 0 = ephemeral), then starts `threads` io threads. IOError if the
  // address cannot be bound, InvalidArgument for a bad host. REQUIRES: called at most once.
  [[nodiscard]] Status start();
  // The bound port; 0 before a successful start().
  uint16_t port() const { return port_; }
  // Stops accepting, lets requests already read finish until the deadline, then closes every
  // connection and joins the io threads. Idempotent. REQUIRES: not called from an io thread.
  void stop(int drain_deadline_ms = 5000);
  // For handlers that need timers (long-poll timeouts). Handlers still pending at stop() are
  // destroyed without running.
  boost::asio::io_context& io() { return ioc_; }

 private:
  void run_io();

  std::shared_ptr<ServerContext> ctx_;
  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::shared_ptr<Listener> listener_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  std::mutex stop_mu_;
  bool started_ = false;  // GUARDED_BY(stop_mu_)
  bool stopped_ = false;  // GUARDED_BY(stop_mu_)
};

}  // namespace orderstream::http
