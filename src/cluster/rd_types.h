// librdkafka's C objects as unique_ptrs, for src/cluster's .cpp files only (it includes
// <librdkafka/rdkafka.h>, which nothing outside src/cluster may see).
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>

#include "cluster/kafka_client.h"

namespace orderstream::cluster {

struct RdDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
  void operator()(rd_kafka_error_t* e) const { rd_kafka_error_destroy(e); }
  void operator()(rd_kafka_consumer_group_metadata_t* m) const { rd_kafka_consumer_group_metadata_destroy(m); }
  void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, RdDeleter>;
using Message = std::unique_ptr<rd_kafka_message_t, RdDeleter>;
using Error = std::unique_ptr<rd_kafka_error_t, RdDeleter>;
using GroupMetadata = std::unique_ptr<rd_kafka_consumer_group_metadata_t, RdDeleter>;
using Metadata = std::unique_ptr<const rd_kafka_metadata_t, RdDeleter>;

// A consumed message's error as a Status naming its partition ("topic/p"), or the cluster when
// the error belongs to no partition. REQUIRES: m->err is set.
inline Status message_status(const rd_kafka_message_t* m, const KafkaClient& client, const std::string& doing) {
  std::string where = m->rkt ? std::string(rd_kafka_topic_name(m->rkt)) + "/" + std::to_string(m->partition)
                             : client.where();
  return kafka_status(m->err, doing + " " + where);
}

}  // namespace orderstream::cluster
