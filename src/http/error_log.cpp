#include "http/error_log.h"

#include <boost/asio/error.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace orderstream::http {

namespace {
std::atomic<int64_t> g_next_log_ms{0};
std::atomic<uint64_t> g_suppressed{0};
}  // namespace

void log_rate_limited(const char* op, const char* message) {
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  int64_t next = g_next_log_ms.load(std::memory_order_relaxed);
  if (now < next || !g_next_log_ms.compare_exchange_strong(next, now + 1000)) {
    g_suppressed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  uint64_t suppressed = g_suppressed.exchange(0, std::memory_order_relaxed);
  if (suppressed > 0) {
    std::fprintf(stderr, "http: %s: %s (%llu similar messages suppressed)\n", op, message,
                 static_cast<unsigned long long>(suppressed));
  } else {
    std::fprintf(stderr, "http: %s: %s\n", op, message);
  }
}

bool is_client_disconnect(const boost::system::error_code& ec) {
  namespace err = boost::asio::error;
  return ec == err::connection_reset || ec == err::broken_pipe || ec == err::eof ||
         ec == err::connection_aborted || ec == err::not_connected || ec == err::shut_down;
}

void log_rate_limited(const char* op, const boost::system::error_code& ec) {
  if (is_client_disconnect(ec)) return;
  log_rate_limited(op, ec.message().c_str());
}

}  // namespace orderstream::http
