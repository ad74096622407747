// ServerContext: the state one Server shares with its Listener and Sessions: options, routes,
// metrics, connection accounting and a non-owning index of live sessions used only to drain them
// at shutdown. Shared by shared_ptr; lives as long as the last Session. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/metrics.h"
#include "http/router.h"
#include "http/server_options.h"

namespace orderstream::http {

class Session;

class ServerContext {
 public:
  // REQUIRES: registry outlives this context.
  ServerContext(ServerOptions opts, Router router, metrics::Registry& registry);

  const ServerOptions opts;
  const Router router;

  // Set when Server::stop() begins: sessions finish what they have, read no more, and close.
  std::atomic<bool> draining{false};
  // Set once the io threads are about to stop: nothing may be posted to the io_context any more.
  std::atomic<bool> stopped{false};

  // Counts a new connection; false (and counts a rejection) when max_connections are open.
  bool try_open();
  // An open connection closed. REQUIRES: one call per successful try_open().
  void closed();
  size_t open_connections() const;
  // Waits until no connection is open; false at the deadline.
  bool wait_all_closed(std::chrono::steady_clock::time_point deadline);

  // The session index; it never owns sessions.
  uint64_t add_session(std::weak_ptr<Session> s);
  void remove_session(uint64_t id);
  std::vector<std::shared_ptr<Session>> live_sessions();

  // Counts one answered request in http_requests_total and http_request_duration_seconds.
  // A method Beast does not know is labelled "OTHER" (clients choose it; labels must stay few).
  void record_request(const std::string& route, std::string_view method, unsigned status,
                      double seconds);

 private:
  metrics::Registry& registry_;
  metrics::Gauge& connections_open_;
  metrics::Counter& connections_rejected_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  size_t open_ = 0;                                                // GUARDED_BY(mu_)
  uint64_t next_session_id_ = 1;                                   // GUARDED_BY(mu_)
  std::unordered_map<uint64_t, std::weak_ptr<Session>> sessions_;  // GUARDED_BY(mu_)
};

}  // namespace orderstream::http
