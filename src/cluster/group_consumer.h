// GroupConsumer: a member of a Kafka consumer group subscribed to a set of topics, reading
// read_committed, for the Kafka backend's stream threads. The range assignor gives partition p
// of every subscribed topic with the same partition count to the same member: Kafka Streams'
// co-partitioning, so a task (sub-topology, partition) finds all its inputs on one instance.
// Owned by one thread, which polls it; rebalances happen inside poll().
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cluster/kafka_client.h"
#include "log/record.h"

namespace orderstream::cluster {

using TopicPartitionId = std::pair<std::string, int32_t>;

// The records of one partition that one poll returned, in offset order (without headers: the
// stream processors do not read them).
struct PartitionBatch {
  TopicPartitionId tp;
  std::vector<log::Record> records;
};

class GroupConsumer final : public RebalanceListener {
 public:
  // Subscribes to `topics` as a member of `group` (the application id). Properties in
  // options (session.timeout.ms, ...) apply on top of read_committed, range assignment and
  // manual commits. InvalidArgument for bad options.
  static Result<std::unique_ptr<GroupConsumer>> open(const ClientOptions& options, const std::string& group,
                                                     const std::vector<std::string>& topics);
  ~GroupConsumer() override;

  // Waits up to `wait` for records, then takes what else is ready, up to max_records, grouped
  // by partition in the order they came. Rebalances run inside: assignment() may change. A
  // revoke empties *out: a partition assigned again is read anew from its committed offset,
  // so what was taken before the revoke would come twice.
  Status poll(std::chrono::milliseconds wait, size_t max_records, std::vector<PartitionBatch>* out);

  // The partitions the group assigned to this member (empty between revoke and assign).
  const std::set<TopicPartitionId>& assignment() const { return assignment_; }
  // Counts the assignments this member received: a change means partitions moved.
  uint64_t generation() const { return generation_; }
  // Counts the revokes: a change means every record polled before it will be read again.
  uint64_t revocations() const { return revocations_; }
  KafkaClient& client() { return *client_; }

  void on_assigned(const std::vector<TopicPartitionId>& partitions) override;
  void on_revoked(const std::vector<TopicPartitionId>& partitions) override;

 private:
  GroupConsumer() = default;
  std::unique_ptr<KafkaClient> client_;
  std::set<TopicPartitionId> assignment_;
  uint64_t generation_ = 0;
  uint64_t revocations_ = 0;
};

}  // namespace orderstream::cluster
