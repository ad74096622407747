// What a service implements to run on the stream runtime: a Processor per task (one service
// sub-topology on one partition number), fed input records one at a time through a TaskContext.
// A Processor is owned by its task and touched only by the thread that owns the task.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/strong_int.h"

namespace orderstream::stream {

// One input record; views valid only during Processor::process.
struct InputRecord {
  const std::string& topic;
  PartitionId partition;
  Offset offset;
  int64_t timestamp_ms;  // event time
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
};

// The task's view of state and outputs during one step. Reads see the task's own uncommitted
// writes. Everything written or emitted commits atomically with the input offsets, or not at all.
class TaskContext {
 public:
  virtual ~TaskContext() = default;
  virtual PartitionId partition() const = 0;
  // The largest input timestamp this task has processed (Kafka Streams' stream time), including
  // the current record; committed with each step, so it survives restarts.
  virtual int64_t stream_time_ms() const = 0;

  // State stores are private to the task; names are scoped per task by the runtime.
  virtual Result<std::optional<std::string>> get(std::string_view store, std::string_view key) = 0;
  virtual void put(std::string_view store, std::string_view key, std::string value) = 0;
  virtual void del(std::string_view store, std::string_view key) = 0;
  // Visits the store's keys in [from, to) in byte order (an empty `to` = no upper bound), own
  // uncommitted writes included, until fn returns false. Values are valid during the call only.
  using ScanFn = std::function<bool(std::string_view key, std::string_view value)>;
  virtual Status scan(std::string_view store, std::string_view from, std::string_view to,
                      const ScanFn& fn) = 0;
  // Reads a global table's store (SubTopology::global): every task sees the whole table, as of
  // the snapshot its step started from (Kafka Streams' GlobalKTable; not time-synchronized).
  virtual Result<std::optional<std::string>> get_global(std::string_view store,
                                                        std::string_view key) = 0;

  // Appends to `topic`; the partition comes from the key (Kafka's partitioner) unless given.
  virtual void emit(const std::string& topic, std::optional<std::string> key,
                    std::optional<std::string> value, int64_t timestamp_ms,
                    std::optional<PartitionId> partition = std::nullopt) = 0;
  // Runs after the step's transaction committed (e.g. to complete HTTP waits); dropped if the
  // step fails. Runs on the task's thread: keep it short.
  virtual void after_commit(std::function<void()> fn) = 0;
};

class Processor {
 public:
  virtual ~Processor() = default;
  // Handles one record. A non-OK Status means the record is unusable (e.g. malformed): the
  // runtime counts it, logs the reason, discards everything the call wrote, emitted or registered
  // for after_commit, and moves on; it never stops the task. The same happens when the call puts
  // a key the store cannot hold or emits a record the log would refuse (unknown topic or
  // partition, no key on a compacted topic, too large). A failed get() other than a bad key is
  // a storage error: the whole step is abandoned and retried, the record is not skipped.
  virtual Status process(const InputRecord& record, TaskContext& ctx) = 0;
};

}  // namespace orderstream::stream
