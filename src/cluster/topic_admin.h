// Creating a topology's topics on a Kafka cluster (the Admin API's CreateTopics), with the
// partition count, replication factor and configs (cleanup.policy=compact where ours compact)
// they need. Topics that exist are checked, never altered: a partition count that differs from
// the one wanted is refused, since co-partitioned inputs and changelogs must agree on it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cluster/kafka_client.h"

namespace orderstream::cluster {

struct NewTopic {
  std::string name;
  int32_t partitions = 1;
  int16_t replication_factor = -1;  // -1: the brokers' default.replication.factor
  std::vector<std::pair<std::string, std::string>> configs;
};

// Creates the topics the cluster lacks (one CreateTopics request; a topic made meanwhile by
// someone else counts as made) and checks the partition count of every one. InvalidArgument
// names a topic with another partition count; a refused creation carries the broker's reason.
// *created (may be null) gets the names this call created.
Status ensure_topics(KafkaClient& client, const std::vector<NewTopic>& topics,
                     std::vector<std::string>* created = nullptr);

}  // namespace orderstream::cluster
