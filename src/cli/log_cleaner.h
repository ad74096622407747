// The log's background cleaner for `serve`: retention and compaction every interval on a thread of
// its own, stopped promptly (at the latest after the pass under way) when the object dies.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "log/log.h"

namespace orderstream::cli {

inline int64_t cleaner_wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Cleaner {
 public:
  Cleaner(log::Log& log, int64_t interval_ms) : log_(log), interval_ms_(interval_ms) {
    if (interval_ms > 0) thread_ = std::thread([this] { run(); });
  }
  ~Cleaner() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [&] { return stop_; })) {
      lock.unlock();
      auto r = log_.enforce_retention(cleaner_wall_ms());
      auto c = log_.compact("", cleaner_wall_ms());
      if (!r.ok()) std::fprintf(stderr, "orderstream: retention: %s\n", r.status().to_string().c_str());
      if (!c.ok()) std::fprintf(stderr, "orderstream: compaction: %s\n", c.status().to_string().c_str());
      lock.lock();
    }
  }
  log::Log& log_;
  int64_t interval_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};


}  // namespace orderstream::cli
