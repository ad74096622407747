// StreamTask: one sub-topology on one partition number. Each step reads a batch after its
// committed offsets, processes it in event-time order across inputs (each partition in its own
// order), and commits {outputs, state, input offsets, stream time} in one LMDB write txn.
// Owned by one StreamThread (or the test driver); never touched by two threads.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "log/log.h"
#include "stream/topology.h"

namespace orderstream::stream {

struct TaskMetrics {
  metrics::Counter* processed = nullptr;
  metrics::Counter* skipped = nullptr;  // records the processor rejected (logged with reason)
  metrics::Histogram* process_seconds = nullptr;
  metrics::Histogram* commit_seconds = nullptr;
};

class StreamTask {
 public:
  StreamTask(log::Log& log, const SubTopology& spec, PartitionId partition, size_t max_batch);

  // One step. *progressed is false when no input had new records. Errors are storage errors;
  // nothing of the step was committed then, so the step can simply be retried. Corruption
  // names a damaged input record: the records before it were processed and committed, the
  // task's position stays on it, and every later step fails the same way until it is repaired.
  Status step(bool* progressed);

  const std::string& name() const { return spec_.name; }
  const SubTopology& spec() const { return spec_; }
  PartitionId partition() const { return partition_; }
  std::vector<log::TopicPartition> inputs() const;
  void set_metrics(TaskMetrics m) { metrics_ = m; }
  // Input positions committed so far (for lag); read from the log, so any thread may call it.
  Result<int64_t> lag() const;
  // Records the processor rejected since this task was built (any thread may call it).
  int64_t skipped() const { return skipped_total_.load(std::memory_order_relaxed); }

 private:
  log::Log& log_;
  const SubTopology& spec_;
  PartitionId partition_;
  size_t max_batch_;
  std::unique_ptr<Processor> processor_;
  int64_t stream_time_ms_ = -1;  // loaded from the task's meta store by the first step
  bool stream_time_loaded_ = false;
  std::atomic<int64_t> skipped_total_{0};
  TaskMetrics metrics_;
};

}  // namespace orderstream::stream
