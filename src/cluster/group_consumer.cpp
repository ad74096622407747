#include "cluster/group_consumer.h"

#include <map>

#include "cluster/rd_types.h"

namespace orderstream::cluster {

Result<std::unique_ptr<GroupConsumer>> GroupConsumer::open(const ClientOptions& options, const std::string& group,
                                                           const std::vector<std::string>& topics) {
  if (group.empty()) return invalid_argument("a consumer group needs a name");
  if (topics.empty()) return invalid_argument("a consumer group member needs topics to subscribe to");
  ClientOptions o = options;
  // Before the user's properties, which may still override them.
  o.properties.insert(o.properties.begin(), {{"isolation.level", "read_committed"},
                                             {"partition.assignment.strategy", "range"},
                                             {"enable.partition.eof", "false"}});
  std::unique_ptr<GroupConsumer> c(new GroupConsumer());
  OS_ASSIGN_OR_RETURN(c->client_, KafkaClient::create(KafkaClient::Kind::kConsumer, o, group, c.get()));
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const std::string& t : topics) rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  OS_RETURN_IF_ERROR(kafka_status(rd_kafka_subscribe(c->client_->get(), list.get()),
                                  "subscribing group '" + group + "' to its topics"));
  return c;
}

GroupConsumer::~GroupConsumer() {
  // Leave the group now (the client's destructor closes the consumer), while this listener
  // still exists to hear the final revoke.
  client_.reset();
}

void GroupConsumer::on_assigned(const std::vector<TopicPartitionId>& partitions) {
  assignment_.insert(partitions.begin(), partitions.end());
  ++generation_;
}

void GroupConsumer::on_revoked(const std::vector<TopicPartitionId>& partitions) {
  for (const TopicPartitionId& tp : partitions) assignment_.erase(tp);
  ++revocations_;
}

Status GroupConsumer::poll(std::chrono::milliseconds wait, size_t max_records, std::vector<PartitionBatch>* out) {
  std::map<TopicPartitionId, size_t> index;  // into *out
  for (size_t i = 0; i < out->size(); ++i) index[(*out)[i].tp] = i;
  int timeout = static_cast<int>(wait.count());
  for (size_t taken = 0; taken < max_records;) {
    uint64_t revoked = revocations_;
    Message m(rd_kafka_consumer_poll(client_->get(), timeout));
    if (revocations_ != revoked) {
      out->clear();
      index.clear();
      taken = 0;
    }
    if (!m) break;
    timeout = 0;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return message_status(m.get(), *client_, "consuming");
    }
    TopicPartitionId tp{rd_kafka_topic_name(m->rkt), m->partition};
    auto [it, fresh] = index.emplace(tp, out->size());
    if (fresh) out->push_back(PartitionBatch{tp, {}});
    log::Record r;
    r.offset = Offset(m->offset);
    r.timestamp_ms = rd_kafka_message_timestamp(m.get(), nullptr);
    if (m->key) r.key = std::string(static_cast<const char*>(m->key), m->key_len);
    if (m->payload) r.value = std::string(static_cast<const char*>(m->payload), m->len);
    (*out)[it->second].records.push_back(std::move(r));
    ++taken;
  }
  return Status::ok();
}

}  // namespace orderstream::cluster
