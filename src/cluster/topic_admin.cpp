#include "cluster/topic_admin.h"

#include <map>

#include "cluster/cluster_metadata.h"
#include "cluster/rd_types.h"

namespace orderstream::cluster {
namespace {

struct AdminDeleter {
  void operator()(rd_kafka_NewTopic_t* t) const { rd_kafka_NewTopic_destroy(t); }
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};

Status check_partitions(const ClusterTopic& t, const NewTopic& want) {
  if (static_cast<int32_t>(t.partitions.size()) == want.partitions) return Status::ok();
  return invalid_argument("topic '" + want.name + "' has " + std::to_string(t.partitions.size()) +
                          " partitions on the cluster, not the " + std::to_string(want.partitions) +
                          " this deployment uses (co-partitioned topics and changelogs must agree); "
                          "recreate it or start with --partitions " + std::to_string(t.partitions.size()));
}

// One CreateTopics request for `topics`; a topic that exists by now is not an error.
Status create(KafkaClient& client, const std::vector<const NewTopic*>& topics, std::vector<std::string>* created) {
  char err[512];
  std::vector<std::unique_ptr<rd_kafka_NewTopic_t, AdminDeleter>> owned;
  std::vector<rd_kafka_NewTopic_t*> raw;
  for (const NewTopic* t : topics) {
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(t->name.c_str(), t->partitions, t->replication_factor, err, sizeof err);
    if (!nt) return invalid_argument("topic '" + t->name + "': " + err);
    owned.emplace_back(nt);
    raw.push_back(nt);
    for (const auto& [k, v] : t->configs)
      if (rd_kafka_resp_err_t e = rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str()); e)
        return kafka_status(e, "setting " + k + " of topic '" + t->name + "'");
  }
  std::unique_ptr<rd_kafka_AdminOptions_t, AdminDeleter> options(
      rd_kafka_AdminOptions_new(client.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
  if (rd_kafka_AdminOptions_set_request_timeout(options.get(), client.timeout_ms(), err, sizeof err) ||
      rd_kafka_AdminOptions_set_operation_timeout(options.get(), client.timeout_ms(), err, sizeof err))
    return invalid_argument(std::string("admin options: ") + err);
  std::unique_ptr<rd_kafka_queue_t, AdminDeleter> queue(rd_kafka_queue_new(client.get()));
  rd_kafka_CreateTopics(client.get(), raw.data(), raw.size(), options.get(), queue.get());
  // The request's own timeout bounds it; the margin covers the answer's way back.
  std::unique_ptr<rd_kafka_event_t, AdminDeleter> ev(rd_kafka_queue_poll(queue.get(), client.timeout_ms() + 5000));
  std::string names;
  for (const NewTopic* t : topics) names += (names.empty() ? "'" : ", '") + t->name + "'";
  if (!ev) return timed_out("creating topics " + names + " on " + client.where() + ": no answer");
  if (rd_kafka_event_error(ev.get())) {
    Status st = kafka_status(rd_kafka_event_error(ev.get()), "creating topics " + names + " on " + client.where() +
                                                                 " (" + rd_kafka_event_error_string(ev.get()) + ")");
    if (st.code() != StatusCode::kTimeout) return st;
    return timed_out(st.message() + "; the cluster's controller did not answer: create the topics beforehand "
                     "(kafka-topics.sh --create) or check the cluster");
  }
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(ev.get());
  size_t n = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &n);
  for (size_t i = 0; i < n; ++i) {
    rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
    std::string name = rd_kafka_topic_result_name(results[i]);
    if (e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) continue;
    if (e) {
      const char* why = rd_kafka_topic_result_error_string(results[i]);
      return kafka_status(e, "creating topic '" + name + "' on " + client.where() + (why ? std::string(" (") + why + ")" : ""));
    }
    if (created) created->push_back(name);
  }
  return Status::ok();
}

}  // namespace

Status ensure_topics(KafkaClient& client, const std::vector<NewTopic>& topics, std::vector<std::string>* created) {
  OS_ASSIGN_OR_RETURN(ClusterMetadata md, fetch_metadata(client));
  std::map<std::string, const ClusterTopic*> have;
  for (const ClusterTopic& t : md.topics) have[t.name] = &t;
  std::vector<const NewTopic*> missing;
  for (const NewTopic& want : topics) {
    auto it = have.find(want.name);
    if (it == have.end()) {
      missing.push_back(&want);
    } else {
      OS_RETURN_IF_ERROR(check_partitions(*it->second, want));
    }
  }
  if (missing.empty()) return Status::ok();
  OS_RETURN_IF_ERROR(create(client, missing, created));
  // Someone else may have made one first, with other partitions.
  OS_ASSIGN_OR_RETURN(md, fetch_metadata(client));
  for (const NewTopic* want : missing)
    for (const ClusterTopic& t : md.topics)
      if (t.name == want->name) OS_RETURN_IF_ERROR(check_partitions(t, *want));
  return Status::ok();
}

}  // namespace orderstream::cluster
