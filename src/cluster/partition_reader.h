// PartitionReader: reads chosen partitions of one topic of a Kafka cluster from chosen offsets,
// by assignment (no group membership), as `consume --bootstrap-servers` and the audit read the
// cluster. Records are handed over as the log's RecordView, so the embedded log's formatters
// print them alike. Owned by one thread, with the KafkaClient (a consumer) it reads through.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cluster/kafka_client.h"
#include "log/record.h"

namespace orderstream::cluster {

// librdkafka's logical offsets, for PartitionStart::offset.
constexpr int64_t kOffsetBeginning = -2;
constexpr int64_t kOffsetEnd = -1;

struct PartitionStart {
  int32_t partition = 0;
  int64_t offset = kOffsetBeginning;  // an offset, kOffsetBeginning or kOffsetEnd
};

class PartitionReader {
 public:
  // REQUIRES: client is a consumer that outlives the reader and reads nothing else meanwhile.
  PartitionReader(KafkaClient& client, std::string topic) : client_(client), topic_(std::move(topic)) {}
  ~PartitionReader();

  // Assigns the partitions at their starts (replacing any earlier assignment).
  Status assign(const std::vector<PartitionStart>& starts);

  // fn gets each record in partition order; false stops the batch. The view lives until fn
  // returns. `partition` reaching its end (librdkafka's partition EOF) calls on_end(partition).
  using RecordFn = std::function<bool(int32_t partition, const log::RecordView& r)>;
  // Waits up to `wait` for the first event, then drains what is ready without waiting.
  // An error of the cluster (not a partition's end) fails the call, naming the partition.
  Status poll(std::chrono::milliseconds wait, const RecordFn& fn,
              const std::function<void(int32_t partition)>& on_end);

 private:
  KafkaClient& client_;
  std::string topic_;
  bool assigned_ = false;
  std::string buffer_;  // one record in the log's stored form, for its RecordView
};

// Reads partition p of `topic` from its beginning up to `end` (the offset after the last record
// wanted, as its high watermark said) or the partition's end, whichever comes first. fn gets each
// record; after every poll, flush(done) runs (to store what fn gathered, say). Fails with
// TimedOut, naming `what` ("copying", "restoring from"), when no record comes for the client's
// timeout before the end: a partition that ends short of `end` must not hang its reader.
Status read_partition_to_end(KafkaClient& client, const std::string& topic, int32_t p, int64_t end,
                             const std::function<void(const log::RecordView& r)>& fn,
                             const std::function<Status(bool done)>& flush, const std::string& what);

// The offsets `group` has committed for the partitions (nullopt: none committed).
Result<std::vector<std::optional<int64_t>>> committed_offsets(KafkaClient& client, const std::string& topic,
                                                              const std::vector<int32_t>& partitions);

// Commits next-offsets for the client's group.id (synchronously).
Status commit_offsets(KafkaClient& client, const std::string& topic,
                      const std::vector<std::pair<int32_t, int64_t>>& next);

// The first offset with a timestamp >= ms per partition (the partition's end when none is).
Result<std::vector<int64_t>> offsets_for_time(KafkaClient& client, const std::string& topic,
                                              const std::vector<int32_t>& partitions, int64_t ms);

}  // namespace orderstream::cluster
