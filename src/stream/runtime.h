// Runtime: runs a Topology's tasks on partition-affine threads (by default one thread per
// service), or step by step on the caller's thread for tests (run_until_idle). Thread-safe:
// start/stop from any one controlling thread; tasks are touched only by their owning thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "log/log.h"
#include "stream/task.h"
#include "stream/task_failure.h"
#include "stream/topology.h"

namespace orderstream::stream {

struct RuntimeOptions {
  int32_t partitions = 4;  // partition count of topics the runtime creates
  int threads = 0;         // 0 = one thread per service; N = tasks spread over N threads
  size_t max_batch = 2000;  // records read per input partition per step
};

class Runtime {
 public:
  // `registry` may be null (no metrics). The Log and Topology must outlive the Runtime.
  Runtime(log::Log& log, const Topology& topology, RuntimeOptions options,
          metrics::Registry* registry);
  ~Runtime();

  // Creates missing topics and builds the tasks. InvalidArgument if an existing input topic's
  // partition count differs from its co-partitioned peers.
  Status init();
  // Starts the threads. REQUIRES: init() succeeded.
  void start();
  // Stops the threads after their current step (its txn commits or aborts whole). Idempotent.
  // The Log is left open and usable; a stopped Runtime cannot be started again.
  void stop();
  // Test driver: steps every task on this thread until none makes progress. REQUIRES: not started.
  Status run_until_idle(int max_rounds = 100000);

  // Deletes the committed offsets and wipes the stores of every sub-topology of `service`, in
  // one txn, so it replays from the start. Run with the server stopped.
  static Status reset_service(log::Log& log, const Topology& topology, const std::string& service,
                              int32_t partitions);

  size_t task_count() const { return tasks_.size(); }
  // The tasks built by init(), in sub-topology then partition order.
  const std::vector<std::unique_ptr<StreamTask>>& tasks() const { return tasks_; }
  // Tasks whose latest step failed, in no particular order. Thread-safe.
  std::vector<TaskFailure> failed_tasks() const;

 private:
  void thread_main(std::vector<StreamTask*> tasks);
  // Commits the prepared steps of one round in one transaction, then finishes each; a step
  // that did not commit is reported through `failed` (task index, error).
  void commit_round(const std::vector<StreamTask*>& tasks,
                    std::vector<std::pair<size_t, std::unique_ptr<PreparedStep>>>& ready,
                    const std::function<void(size_t, const Status&)>& failed);
  // Records a step's outcome (logs failures without a line per retry) and returns how long the
  // task waits before its next step: 0 after a success, a doubling backoff after failures.
  std::chrono::milliseconds note_step(const StreamTask& task, const Status& st);

  log::Log& log_;
  const Topology& topology_;
  RuntimeOptions options_;
  metrics::Registry* registry_;
  std::vector<std::unique_ptr<StreamTask>> tasks_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex failures_mu_;
  std::map<const StreamTask*, TaskFailure> failures_;  // GUARDED_BY(failures_mu_)
};

}  // namespace orderstream::stream
