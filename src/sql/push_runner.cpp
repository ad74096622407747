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

Status PushRunner::run(std::unique_ptr<PushQuery> query, std::optional<std::chrono::milliseconds> max_wait,
                       Rows rows, Done done, Alive alive) {
  std::lock_guard lock(mu_);
  if (stopping_.load()) return aborted("shutting down");
  reap_locked();
  if (runs_.size() >= max_running_)
    return busy(std::to_string(max_running_) + " push queries are running; try again later");
  Run& run = runs_.emplace_back();
  std::shared_ptr<PushQuery> q(std::move(query));
  run.thread = std::thread([this, &run, q, max_wait, rows = std::move(rows), done = std::move(done),
                            alive = std::move(alive)] {
    using Clock = std::chrono::steady_clock;
    // Bounded waits so that stop() and a departed client are noticed within 100 ms.
    constexpr std::chrono::milliseconds kCheck{100};
    auto deadline = max_wait ? Clock::now() + *max_wait : Clock::time_point::max();
    Status st;
    while (!q->done() && !stopping_.load() && (!alive || alive())) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) break;
      std::vector<std::vector<Value>> batch;
      st = q->poll(&batch, std::min(left, kCheck));
      // Rows read before a storage error are still given.
      if (!batch.empty() && !rows(std::move(batch))) break;
      if (!st.is_ok()) break;
    }
    done(st);
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
