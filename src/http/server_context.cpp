#include "http/server_context.h"

#include <boost/beast/http/verb.hpp>

#include <utility>

#include "common/check.h"

namespace orderstream::http {

namespace bhttp = boost::beast::http;

ServerContext::ServerContext(ServerOptions o, Router r, metrics::Registry& registry)
    : opts(std::move(o)),
      router(std::move(r)),
      registry_(registry),
      connections_open_(registry.gauge("http_connections_open", "Open HTTP connections.")),
      connections_rejected_(registry.counter(
          "http_connections_rejected_total",
          "HTTP connections answered 503 and closed because max_connections were open.")) {}

bool ServerContext::try_open() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (open_ < opts.max_connections) {
      ++open_;
      connections_open_.add(1);
      return true;
    }
  }
  connections_rejected_.inc();
  return false;
}

void ServerContext::closed() {
  std::lock_guard<std::mutex> lock(mu_);
  OS_CHECK(open_ > 0);
  --open_;
  connections_open_.add(-1);
  if (open_ == 0) cv_.notify_all();
}

size_t ServerContext::open_connections() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

bool ServerContext::wait_all_closed(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_until(lock, deadline, [&] { return open_ == 0; });
}

uint64_t ServerContext::add_session(std::weak_ptr<Session> s) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t id = next_session_id_++;
  sessions_.emplace(id, std::move(s));
  return id;
}

void ServerContext::remove_session(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(id);
}

std::vector<std::shared_ptr<Session>> ServerContext::live_sessions() {
  std::vector<std::shared_ptr<Session>> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, weak] : sessions_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

void ServerContext::record_request(const std::string& route, std::string_view method,
                                   unsigned status, double seconds) {
  // A client may send any token as the method; a label per token would let it create series
  // without bound, so methods Beast does not know share one label.
  const bool known = bhttp::string_to_verb(method) != bhttp::verb::unknown;
  registry_
      .counter(
          "http_requests_total", "HTTP requests answered, by route, method and status.",
          {{"route", route}, {"method", known ? std::string(method) : std::string("OTHER")}, {"status", std::to_string(status)}})
      .inc();
  registry_
      .histogram("http_request_duration_seconds",
                 "Time from reading a request to its response being ready, by route.",
                 {{"route", route}})
      .observe(seconds);
}

}  // namespace orderstream::http
