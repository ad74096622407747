// A count of the long-poll timers armed right now, for /metrics (`http_timers_armed`). A wait
// answered before its timeout must cancel its timer, or the timer and its closure (a Responder,
// the request's state) live on for up to the whole timeout: once no request waits, the gauge
// must be back at zero. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace orderstream::api {

// Held by a timer's completion handler (capture the shared_ptr): counted from arming until the
// handler is destroyed, which is when it ran, or was cancelled and ran, or its io_context died.
class ArmedTimer {
 public:
  static std::shared_ptr<ArmedTimer> arm() { return std::shared_ptr<ArmedTimer>(new ArmedTimer()); }
  ~ArmedTimer() { count_.fetch_sub(1, std::memory_order_relaxed); }
  ArmedTimer(const ArmedTimer&) = delete;
  ArmedTimer& operator=(const ArmedTimer&) = delete;
  static int64_t armed() { return count_.load(std::memory_order_relaxed); }

 private:
  ArmedTimer() { count_.fetch_add(1, std::memory_order_relaxed); }
  static inline std::atomic<int64_t> count_{0};
};

}  // namespace orderstream::api
