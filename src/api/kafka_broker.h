// The Kafka broker: what each Kafka request means on the embedded log, behind the wire protocol
// of src/kafka/. Answers ApiVersions, Metadata, Produce, Fetch, ListOffsets, the consumer group APIs
// (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
// ListGroups, DescribeGroups), the admin APIs (CreateTopics, DeleteTopics, DescribeConfigs) and
// InitProducerId for idempotent producers:
// the APIs advertised by kafka::supported_versions(); the same topics the CLI and the REST Proxy show.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "api/api.h"
#include "api/kafka_coordinator.h"
#include "kafka/server.h"

namespace orderstream::api {

struct KafkaContext {
  std::shared_ptr<const RouteBase> base;
  std::string advertised_host;          // what Metadata tells clients to connect to
  std::atomic<int32_t> advertised_port{0};  // set once the listener is bound
  int32_t default_partitions = 4;       // of a topic auto-created by Metadata
  bool auto_create_topics = true;       // auto.create.topics.enable
  std::string cluster_id = "orderstream";
  Ownership owns;  // the single-writer rule, as for the REST Proxy
  std::shared_ptr<GroupCoordinator> groups;  // consumer group membership
};

// REQUIRES: ctx->base (log, writer) set before the first request.
kafka::Handler make_kafka_handler(std::shared_ptr<KafkaContext> ctx);

// The handlers of kafka_broker.cpp's dispatch, one file each.
void kafka_produce(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
void kafka_fetch(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
void kafka_list_offsets(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
void kafka_find_coordinator(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
void kafka_offset_commit(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
void kafka_offset_fetch(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
void kafka_join_group(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
void kafka_sync_group(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
void kafka_heartbeat(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
void kafka_leave_group(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
// kafka_admin_groups.cpp, kafka_admin_topics.cpp, kafka_admin_configs.cpp.
void kafka_list_groups(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
void kafka_describe_groups(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
void kafka_create_topics(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
void kafka_delete_topics(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
void kafka_describe_configs(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);
// kafka_init_producer_id.cpp: producer ids for idempotent producers (kafka_producers.h).
void kafka_init_producer_id(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply);

// A Kafka topic config (CreateTopics) applied to the log's: the log's own keys with its rules,
// a null value as the default.
// InvalidArgument (Kafka's INVALID_CONFIG) for any other key or value, with the reason.
Status apply_kafka_topic_config(log::TopicConfig* config, const std::string& name,
                                const std::optional<std::string>& value);

}  // namespace orderstream::api
