// PushRunner: runs push queries to completion on threads of their own, for callers that must not
// block (the HTTP io threads): until LIMIT rows arrived, the deadline passed, or stop(). Thread-
// safe. stop() (and the destructor) ends every run promptly and joins its thread, so the
// PushRunner must die before the Log its queries read.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "sql/push_query.h"

namespace orderstream::sql {

class PushRunner {
 public:
  // Called once, on the run's thread, with the rows collected (Status is not OK only for a
  // storage error; rows read before it are still given).
  using Done = std::function<void(Status, std::vector<std::vector<Value>>)>;

  explicit PushRunner(size_t max_running = 16) : max_running_(max_running) {}
  ~PushRunner() { stop(); }

  // Busy when max_running queries are running; Aborted after stop().
  Status run(std::unique_ptr<PushQuery> query, std::chrono::milliseconds max_wait, Done done);
  void stop();

 private:
  struct Run {
    std::thread thread;
    std::atomic<bool> finished{false};
  };
  void reap_locked();  // joins finished runs

  size_t max_running_;
  std::mutex mu_;
  std::list<Run> runs_;  // stable addresses: each thread flags its own Run
  std::atomic<bool> stopping_{false};
};

}  // namespace orderstream::sql
