// StreamTask: one sub-topology on one partition number. Each step reads a batch after its
// committed offsets, processes it in event-time order across inputs (each partition in its own
// order), and commits {outputs, state, input offsets, stream time} in one LMDB write txn. A
// step is split in prepare / write_to / finish so that a thread can commit the steps of all its
// tasks in one transaction. Owned by one StreamThread (or the test driver); never touched by
// two threads.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "log/log.h"
#include "stream/step_context.h"
#include "stream/topology.h"

namespace orderstream::stream {

struct TaskMetrics {
  metrics::Counter* processed = nullptr;
  metrics::Counter* skipped = nullptr;  // records the processor rejected (logged with reason)
  metrics::Histogram* process_seconds = nullptr;
  metrics::Histogram* commit_seconds = nullptr;
  // Wall time from a record's timestamp to its processing. The ecosystem's records carry the
  // order's POST time, so per task this is the latency from POST to that hop.
  metrics::Histogram* record_age_seconds = nullptr;
};

// One input partition's records for a step, in offset order. The views must outlive the step
// (they point into the snapshot they were read from, or into buffers the backend keeps).
struct TaskInput {
  log::TopicPartition tp;
  std::vector<log::RecordView> records;
  size_t head = 0;     // next record to process
  Offset scanned_to;   // the offset after the last record read (past a compacted gap too)
  bool more = false;   // the partition holds records beyond these
};

// One step processed but not yet committed: what its commit writes and what runs after it.
// Holds views into the ReadView it was prepared from, which must outlive it.
struct PreparedStep {
  PreparedStep(const log::Log& log, const log::ReadView& view, const SubTopology& spec,
               PartitionId p, int64_t stream_time)
      : ctx(log, view, spec, p, stream_time) {}
  StepContext ctx;
  std::vector<std::pair<log::TopicPartition, Offset>> positions;  // new input offsets
  int64_t processed = 0;
  int64_t skipped = 0;
  Status damaged;  // a damaged input record met after the processed ones (see step())
  std::chrono::steady_clock::time_point started;
};

class StreamTask {
 public:
  StreamTask(log::Log& log, const SubTopology& spec, PartitionId partition, size_t max_batch);

  // One step. *progressed is false when no input had new records. Errors are storage errors;
  // nothing of the step was committed then, so the step can simply be retried. Corruption
  // names a damaged input record: the records before it were processed and committed, the
  // task's position stays on it, and every later step fails the same way until it is repaired.
  Status step(bool* progressed);

  // The parts of step(). prepare reads and processes a batch from `view` (which must outlive
  // the result): nullptr when no input had new records; an error is a storage error or a
  // damaged record with nothing before it to process (nothing to commit either way).
  Result<std::unique_ptr<PreparedStep>> prepare(const log::ReadView& view);
  // prepare's halves. read_inputs: the embedded log's records after the task's committed
  // offsets, up to max_batch per input; a damaged record ends its input's batch and is named in
  // *damaged. process: the inputs merged in event-time order (stopping where an input that has
  // more runs out) and processed against the state in `view`; nullptr when nothing was
  // processed. A backend with its own inputs (Kafka) calls process with them.
  Result<std::vector<TaskInput>> read_inputs(const log::ReadView& view, Status* damaged) const;
  Result<std::unique_ptr<PreparedStep>> process(const log::ReadView& view, std::vector<TaskInput> in,
                                                Status damaged,
                                                std::chrono::steady_clock::time_point started);
  // Writes the step into w: outputs, state, input offsets, stream time. May run more than once.
  Status write_to(const PreparedStep& step, log::WriteTxn& w) const;
  // write_to without the outputs, for a backend that sends them elsewhere (Kafka): the local
  // state, input offsets and stream time as of the step.
  Status write_state_to(const PreparedStep& step, log::WriteTxn& w) const;
  // After the step's transaction committed: metrics, after-commit actions. Returns the step's
  // `damaged` status (OK when its inputs were clean).
  Status finish(PreparedStep& step);

  const std::string& name() const { return spec_.name; }
  const SubTopology& spec() const { return spec_; }
  PartitionId partition() const { return partition_; }
  std::vector<log::TopicPartition> inputs() const;
  void set_metrics(TaskMetrics m) { metrics_ = m; }
  // The time the commit of a step (a round's joint commit) took, for the commit histogram.
  void note_commit(double seconds) {
    if (metrics_.commit_seconds) metrics_.commit_seconds->observe(seconds);
  }
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
  std::string task_key_;  // its entry in kStreamTimeStore
  int64_t stream_time_ms_ = -1;  // loaded from the task's meta store by the first step
  bool stream_time_loaded_ = false;
  std::atomic<int64_t> skipped_total_{0};
  TaskMetrics metrics_;
};

}  // namespace orderstream::stream
