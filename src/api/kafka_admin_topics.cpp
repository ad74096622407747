// CreateTopics and DeleteTopics on the log, as the admin API (POST and DELETE /v1/admin/topics)
// and the CLI do them: Log::create_topic / delete_topic on the group writer's thread (an LMDB
// commit waits on the disk, never on an io thread), then one sync, so a topic a client was told
// about survives a power cut. Configs map to the log's TopicConfig with its own rules
// (apply_kafka_topic_config). A topic the ecosystem or a running query owns is
// TOPIC_AUTHORIZATION_FAILED, whether it exists or not, as Kafka checks authorization first.
#include <map>

#include "api/kafka_broker.h"
#include "kafka/create_topics.h"
#include "kafka/delete_topics.h"
#include "log/topic_config.h"

namespace orderstream::api {

namespace {

namespace kerr = kafka::errors;

struct TopicError {
  int16_t code = kerr::kNone;
  std::string message;
};

// A topic this request creates or deletes on the writer thread, and where its answer goes.
struct TopicChange {
  size_t result = 0;  // index into the answer's topics
  std::string name;
  int32_t partitions = 0;
  log::TopicConfig config;
};

// Runs `apply` on the group writer's thread after the writes queued before it, then `answer`
// there; answer(false) at once when the write queue is full.
void on_writer_thread(const KafkaContext& ctx, std::function<void()> apply, std::function<void(bool)> answer) {
  auto shared = std::make_shared<std::function<void(bool)>>(std::move(answer));
  Status st = ctx.base->writer->submit([](log::WriteTxn&) { return Status::ok(); },
                                       [apply = std::move(apply), shared](const Status& s) {
                                         if (s.is_ok()) apply();
                                         (*shared)(s.is_ok());
                                       });
  if (!st.is_ok()) (*shared)(false);
}

// The checks Kafka's controller makes on one topic, in its order, before anything is written.
// Fills *change on success.
TopicError check_creatable(const KafkaContext& ctx, const kafka::CreatableTopic& t, TopicChange* change) {
  if (Status st = log::validate_topic_name(t.name); !st.is_ok()) return {kerr::kInvalidTopicException, st.message()};
  if (auto refusal = ctx.owns.topic_refusal(t.name)) return {kerr::kTopicAuthorizationFailed, *refusal};
  if (ctx.base->log->topic(t.name).ok()) return {kerr::kTopicAlreadyExists, "Topic '" + t.name + "' already exists."};
  int32_t partitions = t.num_partitions == -1 ? ctx.default_partitions : t.num_partitions;
  if (!t.assignments.empty()) {
    if (t.num_partitions != -1 || t.replication_factor != -1)
      return {kerr::kInvalidRequest, "numPartitions or replicationFactor and assignments cannot both be set"};
    // One replica, on this broker (node 0), for each partition 0..n-1.
    std::vector<bool> seen(t.assignments.size());
    for (const kafka::CreatableAssignment& a : t.assignments) {
      bool in_range = a.partition_index >= 0 && static_cast<size_t>(a.partition_index) < seen.size();
      if (!in_range || seen[static_cast<size_t>(a.partition_index)])
        return {kerr::kInvalidReplicaAssignment, "partitions must be numbered 0.." + std::to_string(seen.size() - 1)};
      seen[static_cast<size_t>(a.partition_index)] = true;
      if (a.broker_ids != std::vector<int32_t>{0})
        return {kerr::kInvalidReplicaAssignment, "each partition's only replica is broker 0"};
    }
    partitions = static_cast<int32_t>(t.assignments.size());
  } else if (t.replication_factor != -1 && t.replication_factor != 1) {
    return {kerr::kInvalidReplicationFactor, "Replication factor: " + std::to_string(t.replication_factor) +
                                                 " is not 1 (or -1): this log is one broker, with one copy"};
  }
  if (partitions < 1 || partitions > log::kMaxPartitions)
    return {kerr::kInvalidPartitions, "Number of partitions must be 1.." + std::to_string(log::kMaxPartitions) +
                                          ", got " + std::to_string(partitions)};
  for (const kafka::CreatableConfig& c : t.configs)
    if (Status st = apply_kafka_topic_config(&change->config, c.name, c.value); !st.is_ok())
      return {kerr::kInvalidConfig, st.message()};
  change->name = t.name;
  change->partitions = partitions;
  return {};
}

void set_error(kafka::TopicResult& r, int16_t code, std::string message) {
  r.error_code = code;
  r.error_message = std::move(message);
}

}  // namespace

void kafka_create_topics(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply) {
  auto req = kafka::parse_create_topics_request(h.api_version, h.body);
  if (!req.ok()) return;  // a malformed request closes the connection
  int16_t version = h.api_version;
  std::map<std::string, int> named;
  for (const kafka::CreatableTopic& t : req->topics) ++named[t.name];
  auto results = std::make_shared<std::vector<kafka::TopicResult>>();
  auto changes = std::make_shared<std::vector<TopicChange>>();
  for (const kafka::CreatableTopic& t : req->topics) {
    kafka::TopicResult& r = results->emplace_back();
    r.name = t.name;
    TopicChange change;
    change.result = results->size() - 1;
    TopicError e = named[t.name] > 1 ? TopicError{kerr::kInvalidRequest, "topic '" + t.name + "' is named twice"}
                                     : check_creatable(*ctx, t, &change);
    if (e.code != kerr::kNone) set_error(r, e.code, std::move(e.message));
    else if (!req->validate_only) changes->push_back(std::move(change));
  }
  // Kafka's timeout_ms bounds waiting for the controller; here creation is done within the
  // request, so it has nothing to bound.
  if (changes->empty()) return reply(kafka::encode_create_topics_response(version, *results));
  auto apply = [ctx, results, changes] {
    bool created = false;
    for (const TopicChange& c : *changes) {
      Status st = ctx->base->log->create_topic(c.name, c.partitions, c.config);
      kafka::TopicResult& r = (*results)[c.result];
      if (st.code() == StatusCode::kConflict) set_error(r, kerr::kTopicAlreadyExists, st.message());
      else if (!st.is_ok()) set_error(r, kerr::kUnknownServerError, st.to_string());
      created = created || st.is_ok();
    }
    Status synced = created ? ctx->base->log->sync() : Status::ok();  // as the admin API's create
    if (!synced.is_ok())
      for (kafka::TopicResult& r : *results)
        if (r.error_code == kerr::kNone) set_error(r, kerr::kUnknownServerError, synced.to_string());
  };
  on_writer_thread(*ctx, apply, [version, results, changes, reply](bool ran) {
    if (!ran)
      for (const TopicChange& c : *changes) set_error((*results)[c.result], kerr::kRequestTimedOut, "the write queue is full");
    reply(kafka::encode_create_topics_response(version, *results));
  });
}

void kafka_delete_topics(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply) {
  auto req = kafka::parse_delete_topics_request(h.api_version, h.body);
  if (!req.ok()) return;
  int16_t version = h.api_version;
  std::map<std::string, int> named;
  for (const std::string& t : req->topic_names) ++named[t];
  auto results = std::make_shared<std::vector<kafka::DeletedTopic>>();
  auto doomed = std::make_shared<std::vector<size_t>>();  // indexes into results
  for (const std::string& name : req->topic_names) {
    kafka::DeletedTopic& r = results->emplace_back();
    r.name = name;
    if (named[name] > 1) r.error_code = kerr::kInvalidRequest;
    else if (ctx->owns.topic_refusal(name)) r.error_code = kerr::kTopicAuthorizationFailed;
    else if (!ctx->base->log->topic(name).ok()) r.error_code = kerr::kUnknownTopicOrPartition;
    else doomed->push_back(results->size() - 1);
  }
  if (doomed->empty()) return reply(kafka::encode_delete_topics_response(version, *results));
  auto apply = [ctx, results, doomed] {
    bool deleted = false;
    for (size_t i : *doomed) {
      kafka::DeletedTopic& r = (*results)[i];
      Status st = ctx->base->log->delete_topic(r.name);  // every group's offsets for it go too
      if (st.code() == StatusCode::kNotFound) r.error_code = kerr::kUnknownTopicOrPartition;
      else if (!st.is_ok()) r.error_code = kerr::kUnknownServerError;
      deleted = deleted || st.is_ok();
    }
    Status synced = deleted ? ctx->base->log->sync() : Status::ok();
    if (!synced.is_ok())
      for (size_t i : *doomed)
        if ((*results)[i].error_code == kerr::kNone) (*results)[i].error_code = kerr::kUnknownServerError;
  };
  on_writer_thread(*ctx, apply, [version, results, doomed, reply](bool ran) {
    if (!ran)
      for (size_t i : *doomed) (*results)[i].error_code = kerr::kRequestTimedOut;
    reply(kafka::encode_delete_topics_response(version, *results));
  });
}

}  // namespace orderstream::api
