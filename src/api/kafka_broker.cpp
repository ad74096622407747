#include "api/kafka_broker.h"

#include "kafka/api_versions.h"
#include "kafka/metadata.h"
#include "kafka/wire.h"
#include "log/topic_config.h"

namespace orderstream::api {

namespace {

using kafka::Reply;
using kafka::RequestHeader;

// For an API or version this broker does not speak: an error_code alone. Clients that follow
// ApiVersions never send one; anything else learns why without losing its connection.
std::string unsupported_body() {
  kafka::Writer w;
  w.i16(kafka::errors::kUnsupportedVersion);
  return w.take();
}

kafka::TopicMetadata topic_metadata(const log::TopicInfo& t) {
  return {kafka::errors::kNone, t.name, t.name.rfind("__", 0) == 0, t.partitions};
}

// Answers from the log's topics; `created` are the ones this request just created.
std::string metadata_answer(const KafkaContext& ctx, int16_t version, const kafka::MetadataRequest& req) {
  kafka::MetadataResponse r;
  r.host = ctx.advertised_host;
  r.port = ctx.advertised_port.load();
  r.cluster_id = ctx.cluster_id;
  if (!req.topics) {
    for (const log::TopicInfo& t : ctx.base->log->topics()) r.topics.push_back(topic_metadata(t));
  } else {
    for (const std::string& name : *req.topics) {
      auto info = ctx.base->log->topic(name);
      if (info.ok()) {
        r.topics.push_back(topic_metadata(*info));
      } else {
        int16_t code = log::validate_topic_name(name).is_ok() ? kafka::errors::kUnknownTopicOrPartition
                                                               : kafka::errors::kInvalidTopicException;
        r.topics.push_back({code, name, false, 0});
      }
    }
  }
  return kafka::encode_metadata_response(version, r);
}

void metadata(const std::shared_ptr<KafkaContext>& ctx, const RequestHeader& h, Reply reply) {
  auto req = kafka::parse_metadata_request(h.api_version, h.body);
  if (!req.ok()) return;  // a dropped Reply closes the connection, as Kafka does
  std::vector<std::string> missing;
  if (req->topics && req->allow_auto_topic_creation && ctx->auto_create_topics)
    for (const std::string& name : *req->topics)
      if (!ctx->base->log->topic(name).ok() && log::validate_topic_name(name).is_ok() && name.rfind("__", 0) != 0)
        missing.push_back(name);
  int16_t version = h.api_version;
  if (missing.empty()) return reply(metadata_answer(*ctx, version, *req));
  // Creating a topic is an LMDB commit: on the writer's thread, never an io thread.
  auto shared = std::make_shared<kafka::MetadataRequest>(std::move(*req));
  Status st = ctx->base->writer->submit([](log::WriteTxn&) { return Status::ok(); },
                                        [ctx, version, shared, missing, reply](const Status&) {
                                          for (const std::string& name : missing) {
                                            Status created = ctx->base->log->create_topic(
                                                name, ctx->default_partitions, log::TopicConfig{});
                                            if (!created.is_ok() && created.code() != StatusCode::kConflict)
                                              std::fprintf(stderr, "kafka: auto-creating topic %s: %s\n", name.c_str(),
                                                           created.to_string().c_str());
                                          }
                                          reply(metadata_answer(*ctx, version, *shared));
                                        });
  // The write queue is full: answer with what exists (the client retries its metadata).
  if (!st.is_ok()) reply(metadata_answer(*ctx, version, *shared));
}

}  // namespace

kafka::Handler make_kafka_handler(std::shared_ptr<KafkaContext> ctx) {
  return [ctx](const RequestHeader& h, Reply reply) {
    if (h.api_key == static_cast<int16_t>(kafka::ApiKey::kApiVersions))
      return reply(kafka::api_versions_response(h.api_version));
    auto range = kafka::supported(h.api_key);
    if (!range || h.api_version < range->min || h.api_version > range->max) return reply(unsupported_body());
    using Fn = void (*)(const std::shared_ptr<KafkaContext>&, const RequestHeader&, Reply);
    static const std::pair<kafka::ApiKey, Fn> kHandlers[] = {
        {kafka::ApiKey::kMetadata, metadata},
        {kafka::ApiKey::kProduce, kafka_produce},
        {kafka::ApiKey::kFetch, kafka_fetch},
        {kafka::ApiKey::kListOffsets, kafka_list_offsets},
        {kafka::ApiKey::kFindCoordinator, kafka_find_coordinator},
        {kafka::ApiKey::kOffsetCommit, kafka_offset_commit},
        {kafka::ApiKey::kOffsetFetch, kafka_offset_fetch},
        {kafka::ApiKey::kJoinGroup, kafka_join_group},
        {kafka::ApiKey::kSyncGroup, kafka_sync_group},
        {kafka::ApiKey::kHeartbeat, kafka_heartbeat},
        {kafka::ApiKey::kLeaveGroup, kafka_leave_group},
        {kafka::ApiKey::kListGroups, kafka_list_groups},
        {kafka::ApiKey::kDescribeGroups, kafka_describe_groups},
        {kafka::ApiKey::kCreateTopics, kafka_create_topics},
        {kafka::ApiKey::kDeleteTopics, kafka_delete_topics},
        {kafka::ApiKey::kDescribeConfigs, kafka_describe_configs},
        {kafka::ApiKey::kInitProducerId, kafka_init_producer_id},
    };
    for (const auto& [key, fn] : kHandlers)
      if (static_cast<int16_t>(key) == h.api_key) return fn(ctx, h, std::move(reply));
    reply(unsupported_body());
  };
}

}  // namespace orderstream::api
