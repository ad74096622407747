// What a Kafka cluster says about its brokers, topics and partitions (Metadata and ListOffsets),
// for `topics list|describe --bootstrap-servers` and the Kafka backend. Plain values; each call
// is one blocking request on the caller's client, bounded by its timeout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/kafka_client.h"

namespace orderstream::cluster {

struct ClusterPartition {
  int32_t id = 0;
  int32_t leader = -1;
  std::vector<int32_t> replicas, isrs;
  // Filled by fill_offsets: the log start offset and the high watermark (the next offset).
  int64_t start = -1, end = -1;
};

struct ClusterTopic {
  std::string name;
  std::vector<ClusterPartition> partitions;  // by id
};

struct ClusterBroker {
  int32_t id = 0;
  std::string host;
  int port = 0;
};

struct ClusterMetadata {
  std::vector<ClusterBroker> brokers;  // by id
  std::vector<ClusterTopic> topics;    // by name
};

// Every topic (or only `topic`, NotFound when the cluster has none of that name; never creates
// one, whatever the broker's auto.create.topics.enable). Timeout when
// no broker answers within the client's timeout.
Result<ClusterMetadata> fetch_metadata(KafkaClient& client, const std::optional<std::string>& topic = std::nullopt);

// One topic's metadata; NotFound when the cluster has no such topic.
Result<ClusterTopic> describe_topic(KafkaClient& client, const std::string& topic);

// Sets start and end of each partition of *topic from its leader.
Status fill_offsets(KafkaClient& client, ClusterTopic* topic);

}  // namespace orderstream::cluster
