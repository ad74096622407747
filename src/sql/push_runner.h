// PushRunner: runs push queries on threads of their own, for callers that must not block (the
// HTTP io threads), handing over each batch of rows as it arrives, until LIMIT rows were given,
// the time limit passed, the caller declined more rows, or stop(). Thread-safe. stop() (and the
// destructor) ends every run promptly and joins its thread, so the PushRunner must die before
// the Log its queries read.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "sql/push_query.h"

namespace orderstream::sql {

class PushRunner {
 public:
  // Called on the run's thread with each non-empty batch of new rows, in order; returning false
  // ends the run (the client went away).
  using Rows = std::function<bool(std::vector<std::vector<Value>>)>;
  // Called once, last, on the run's thread: OK, or the storage error that ended the run.
  using Done = std::function<void(Status)>;
  // Asked between polls whether anyone still wants rows (false ends the run); may be null.
  using Alive = std::function<bool()>;

  explicit PushRunner(size_t max_running = 16) : max_running_(max_running) {}
  ~PushRunner() { stop(); }

  // Runs `query` for at most `max_wait` (nullopt: no limit). `alive` is polled at least every
  // 100 ms, so a run whose client left ends without waiting for rows. Busy when max_running
  // queries are running; Aborted after stop().
  Status run(std::unique_ptr<PushQuery> query, std::optional<std::chrono::milliseconds> max_wait, Rows rows,
             Done done, Alive alive = nullptr);
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
