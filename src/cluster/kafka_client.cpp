#include "cluster/kafka_client.h"

#include <librdkafka/rdkafka.h>

#include <unistd.h>

#include <atomic>

namespace orderstream::cluster {
namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;

Settings defaults(KafkaClient::Kind kind, const std::string& group) {
  Settings s = {
      // librdkafka logs broker connection failures itself, once per retry; a command reports
      // them as its error instead. -X log_level=7 (or debug=...) brings them back.
      {"log_level", "2"},
      {"client.id", "orderstream"},
  };
  if (kind == KafkaClient::Kind::kConsumer) {
    static std::atomic<uint64_t> next_private{0};
    s.insert(s.end(), {
        {"group.id", group.empty() ? "orderstream-cli-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(next_private++)
                                   : group},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"auto.offset.reset", "earliest"},
        {"enable.partition.eof", "true"},
        // Metadata requests must never create a topic the user only asked about.
        {"allow.auto.create.topics", "false"},
    });
  } else {
    s.insert(s.end(), {{"acks", "all"}, {"enable.idempotence", "true"}});
  }
  return s;
}

std::vector<std::pair<std::string, int32_t>> partitions_of(const rd_kafka_topic_partition_list_t* l) {
  std::vector<std::pair<std::string, int32_t>> out;
  for (int i = 0; l && i < l->cnt; ++i) out.emplace_back(l->elems[i].topic, l->elems[i].partition);
  return out;
}

// librdkafka calls this inside rd_kafka_consumer_poll, on the polling thread.
void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto* listener = static_cast<RebalanceListener*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    (void)rd_kafka_assign(rk, parts);
    listener->on_assigned(partitions_of(parts));
  } else {  // revoked, or an error: give everything back and wait for the next assignment
    listener->on_revoked(partitions_of(parts));
    (void)rd_kafka_assign(rk, nullptr);
  }
}

// librdkafka calls this inside rd_kafka_poll, on the polling thread.
void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* listener = static_cast<DeliveryListener*>(opaque);
  Status st;
  if (m->err) st = kafka_status(m->err, "delivering to " + std::string(rd_kafka_topic_name(m->rkt)));
  listener->on_delivery(st, m->partition, m->offset, m->_private);
}

}  // namespace

Result<std::pair<std::string, std::string>> parse_property(const std::string& kv) {
  size_t eq = kv.find('=');
  if (eq == std::string::npos || eq == 0)
    return invalid_argument("a librdkafka property must be KEY=VALUE, got '" + kv + "'");
  return std::make_pair(kv.substr(0, eq), kv.substr(eq + 1));
}

Status kafka_status(int err, const std::string& what) {
  auto code = static_cast<rd_kafka_resp_err_t>(err);
  if (code == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::ok();
  std::string message = what + ": " + rd_kafka_err2str(code);
  switch (code) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__RESOLVE:
      return timed_out(message);
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND:
      return not_found(message);
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
      return permission_denied(message);
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR_INVALID_REQUEST:
    case RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE:
      return invalid_argument(message);
    case RD_KAFKA_RESP_ERR__PURGE_QUEUE:
    case RD_KAFKA_RESP_ERR__PURGE_INFLIGHT:
      return aborted(message);
    case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
      return busy(message);
    default:
      return io_error(message);
  }
}

Result<std::unique_ptr<KafkaClient>> KafkaClient::create(Kind kind, const ClientOptions& options,
                                                         const std::string& group, RebalanceListener* listener,
                                                         DeliveryListener* delivery) {
  if (options.bootstrap_servers.empty())
    return invalid_argument("--bootstrap-servers needs at least one H:P");
  Settings settings = defaults(kind, group);
  settings.emplace_back("bootstrap.servers", options.bootstrap_servers);
  settings.insert(settings.end(), options.properties.begin(), options.properties.end());
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [key, value] : settings) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return invalid_argument("librdkafka property " + key + "=" + value + ": " + err);
    }
  }
  if (listener && kind == Kind::kConsumer) {
    rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
    rd_kafka_conf_set_opaque(conf, listener);
  }
  if (delivery && kind == Kind::kProducer) {
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, delivery);
  }
  rd_kafka_t* rk = rd_kafka_new(kind == Kind::kConsumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER,
                                conf, err, sizeof err);
  if (rk == nullptr) {  // rd_kafka_new owns conf only on success
    rd_kafka_conf_destroy(conf);
    return invalid_argument(std::string("librdkafka client: ") + err);
  }
  // The consumer's partitions all deliver to the one queue rd_kafka_consumer_poll reads.
  if (kind == Kind::kConsumer) rd_kafka_poll_set_consumer(rk);
  return std::unique_ptr<KafkaClient>(new KafkaClient(rk, kind, options));
}

KafkaClient::~KafkaClient() {
  // A consumer leaves its group (if it joined one) before the handle goes; commits are explicit.
  if (kind_ == Kind::kConsumer) (void)rd_kafka_consumer_close(rk_);
  rd_kafka_destroy(rk_);
}

}  // namespace orderstream::cluster
