// TestDriver: runs a Topology's processors on records you pipe in, on the calling thread, with
// event time taken from the piped timestamps (a virtual clock) and any number of partitions:
// Kafka Streams' TopologyTestDriver, multi-partition. It uses a real Log in a directory you
// give it, so exactly-once and restarts can be tested too (reopen()). Single-threaded.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "log/log.h"
#include "stream/runtime.h"

namespace orderstream::stream {

struct OutputRecord {
  std::string topic;
  PartitionId partition;
  Offset offset;
  int64_t timestamp_ms = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
};

class TestDriver {
 public:
  // Creates a fresh log in `dir` (which must not hold one) with the topology's topics.
  TestDriver(std::string dir, const Topology& topology, int32_t partitions);
  ~TestDriver();

  // Appends one record (partitioned by key) and, unless defer is set, runs until idle.
  Status pipe(const std::string& topic, std::optional<std::string> key,
              std::optional<std::string> value, int64_t timestamp_ms, bool defer = false);
  // Steps every task until none makes progress.
  Status advance();
  // Records appended to `topic` (all partitions, partition then offset order) since the last
  // call for that topic.
  Result<std::vector<OutputRecord>> read_output(const std::string& topic);
  // Every record of `topic` from the beginning.
  Result<std::vector<OutputRecord>> read_all(const std::string& topic) const;
  // A task's store value (store named as the processor names it).
  Result<std::optional<std::string>> store_get(const std::string& sub_topology, PartitionId p,
                                               const std::string& store, const std::string& key) const;
  // A global sub-topology's store value.
  Result<std::optional<std::string>> global_get(const std::string& store, const std::string& key) const;
  // Input records the processors rejected (skipped) since the last reopen, over every task.
  int64_t skipped_records() const;
  // Closes and reopens the log and rebuilds every task, as after a crash between steps.
  Status reopen();

  log::Log& log() { return *log_; }

 private:
  std::string dir_;
  const Topology& topology_;
  int32_t partitions_;
  std::unique_ptr<log::Log> log_;
  std::unique_ptr<Runtime> runtime_;
  std::map<std::string, std::vector<Offset>> read_positions_;
};

}  // namespace orderstream::stream
