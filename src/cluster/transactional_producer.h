// TransactionalProducer: a Kafka producer with a transactional.id that writes one task step as one
// Kafka transaction: its output records, its changelog records and the consumer's input offsets
// (send_offsets_to_transaction), all or none (EOS v2: one producer per thread, the group's
// metadata fences zombies). Keyed records go to murmur2_random's partition, the one Java clients
// and Kafka Streams choose (log::partition_for_key). Owned by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/kafka_client.h"
#include "log/record.h"

namespace orderstream::cluster {

struct OutRecord {
  std::string topic;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;  // nullopt: a tombstone
  int64_t timestamp_ms = 0;               // 0: the producer's clock
  std::optional<int32_t> partition;       // nullopt: murmur2_random of the key
  std::vector<log::Header> headers;
};

struct InputPosition {
  std::string topic;
  int32_t partition = 0;
  int64_t next = 0;  // the next offset to read: what the group commits
};

class TransactionalProducer {
 public:
  // A producer with `transactional_id`, transactions initialised (fencing any earlier producer
  // with that id). Timeout when the cluster does not answer; InvalidArgument for bad options.
  static Result<std::unique_ptr<TransactionalProducer>> open(const ClientOptions& options,
                                                             const std::string& transactional_id);

  // One transaction: begin, produce every record, send the positions as `consumer`'s group's
  // offsets, commit. On an error the transaction is aborted (nothing of it becomes visible to
  // read_committed readers) and the Status says why: kAborted when the step may simply be
  // retried, kPermissionDenied when this producer was fenced by a newer one with its id (the
  // task has moved: stop working on it), other codes for fatal errors (reopen the producer).
  // REQUIRES: consumer is a consumer of the group whose offsets these are.
  Status commit_step(const std::vector<OutRecord>& records, const std::vector<InputPosition>& positions,
                     KafkaClient& consumer);

  // True once a fatal error (fencing included) made this producer unusable.
  bool failed() const { return failed_; }
  KafkaClient& client() { return *client_; }

 private:
  explicit TransactionalProducer(std::unique_ptr<KafkaClient> client) : client_(std::move(client)) {}
  Status produce(const OutRecord& r);
  std::unique_ptr<KafkaClient> client_;
  bool failed_ = false;
};

}  // namespace orderstream::cluster
