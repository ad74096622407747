#include "sql/push_runner.h"

namespace orderstream::sql {

void PushRunner::reap_locked() {
  for (auto it = runs_.begin(); it != runs_.end();) {
    if (it->finished.load()) {
      it->thread.join();
      it = runs_.erase(it);
    } else {
      ++it;
    }
  }
}

Status PushRunner::run(std::unique_ptr<PushQuery> query, std::chrono::milliseconds max_wait, Done done) {
  std::lock_guard lock(mu_);
  if (stopping_.load()) return aborted("shutting down");
  reap_locked();
  if (runs_.size() >= max_running_)
    return busy(std::to_string(max_running_) + " push queries are running; try again later");
  Run& run = runs_.emplace_back();
  std::shared_ptr<PushQuery> q(std::move(query));
  run.thread = std::thread([this, &run, q, max_wait, done = std::move(done)] {
    auto deadline = std::chrono::steady_clock::now() + max_wait;
    std::vector<std::vector<Value>> rows;
    Status st;
    while (!q->done() && !stopping_.load()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      // Bounded waits so that stop() is noticed within 100 ms.
      st = q->poll(&rows, std::min(left, std::chrono::milliseconds(100)));
      if (!st.is_ok()) break;
    }
    done(st, std::move(rows));
    run.finished.store(true);
  });
  return Status::ok();
}

void PushRunner::stop() {
  stopping_.store(true);
  std::lock_guard lock(mu_);
  for (Run& r : runs_) r.thread.join();
  runs_.clear();
}

}  // namespace orderstream::sql
