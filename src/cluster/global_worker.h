// GlobalWorker: a global sub-topology (a GlobalKTable) on the Kafka backend, run by one thread on
// every instance. It reads every partition of its inputs by assignment (no group: each instance
// keeps the whole table) from the positions its local state was written with, and writes state
// and positions in one local transaction. The input topic is its changelog, so a lost local state
// is rebuilt by reading it from the start; nothing goes to the cluster. failures() may be called
// from any thread.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cluster/partition_reader.h"
#include "cluster/task_worker.h"

namespace orderstream::cluster {

class GlobalWorker {
 public:
  // `local` (with the inputs created, for their partition counts) and `sub` outlive the worker.
  GlobalWorker(log::Log& local, const stream::SubTopology& sub, const KafkaBackendOptions& options);
  ~GlobalWorker();

  // Works until `stopping` is set; errors are kept for failures() and retried with a backoff.
  void run(const std::atomic<bool>& stopping);
  std::vector<stream::TaskFailure> failures() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Input {
    std::unique_ptr<KafkaClient> client;
    std::unique_ptr<PartitionReader> reader;
  };
  Status connect();
  Status step(bool* progressed);
  void note(const Status& st);

  log::Log& local_;
  const stream::SubTopology& sub_;
  KafkaBackendOptions options_;
  std::unique_ptr<stream::StreamTask> task_;
  std::vector<Input> inputs_;  // by sub.inputs; empty until connected
  std::vector<log::TopicPartition> tps_;                // the task's inputs, every partition
  std::map<std::pair<std::string, int32_t>, size_t> index_;  // into tps_ and pending_
  std::vector<std::deque<log::Record>> pending_;       // read, not yet written locally
  Clock::time_point not_before_{};

  mutable std::mutex mu_;
  std::optional<stream::TaskFailure> failure_;  // GUARDED_BY(mu_)
};

}  // namespace orderstream::cluster
