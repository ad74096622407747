#include "kafka_handles.h"

namespace kbench {

namespace {

// A conf with `settings` and then `extra` applied, or null and *error naming the refused key.
rd_kafka_conf_t* make_conf(Settings settings, const Settings& extra, std::string* error) {
  settings.insert(settings.end(), extra.begin(), extra.end());
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [key, value] : settings)
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      *error = key + "=" + value + ": " + err;
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
  return conf;
}

Handle make_handle(rd_kafka_type_t type, rd_kafka_conf_t* conf, std::string* error) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);  // owns conf on success only
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    *error = err;
  }
  return Handle(rk);
}

}  // namespace

Handle make_producer(const BenchOptions& o, void (*on_delivery)(rd_kafka_t*, const rd_kafka_message_t*, void*),
                     void* dr_opaque, std::string* error) {
  Settings s = {
      {"bootstrap.servers", o.brokers},
      {"acks", "all"},
      {"compression.type", "none"},
      {"linger.ms", std::to_string(o.linger_ms)},
      // librdkafka 2.0.2's defaults, spelled out: up to 10,000 records or 1 MB per batch (the
      // latter binds first at 100 B), which is also a Kafka broker's default message.max.bytes.
      {"batch.num.messages", "10000"},
      {"batch.size", "1000000"},
      // Room for the whole run, so produce() rarely meets a full queue and the rate measured
      // is the broker's, not the local queue's back-pressure.
      {"queue.buffering.max.messages", "2000000"},
      {"queue.buffering.max.kbytes", "2097152"},
      // Fail the run instead of retrying a record for librdkafka's default 300 s.
      {"message.timeout.ms", "60000"},
  };
  rd_kafka_conf_t* conf = make_conf(std::move(s), o.extra, error);
  if (conf == nullptr) return nullptr;
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, dr_opaque);
  return make_handle(RD_KAFKA_PRODUCER, conf, error);
}

bool open_producer(const BenchOptions& o, Deliveries* d, TopicProducer* out, std::string* error) {
  out->rk = make_producer(o, &Deliveries::on_delivery, d, error);
  if (!out->rk) return false;
  out->partitions = partition_count(out->rk.get(), o.topic, error);
  if (out->partitions < 0) return false;
  out->rkt.reset(rd_kafka_topic_new(out->rk.get(), o.topic.c_str(), nullptr));
  return true;
}

Handle make_consumer(const BenchOptions& o, std::string* error) {
  // Fetch sizes stay at librdkafka's defaults (1 MiB per partition, 50 MB per request, 500 ms
  // long-poll, fetch.min.bytes 1): what a user gets without tuning.
  Settings s = {
      {"bootstrap.servers", o.brokers},
      {"group.id", "kafka-bench"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "true"},
  };
  rd_kafka_conf_t* conf = make_conf(std::move(s), o.extra, error);
  if (conf == nullptr) return nullptr;
  Handle rk = make_handle(RD_KAFKA_CONSUMER, conf, error);
  // Every partition's messages on the one consumer queue that rd_kafka_consumer_poll reads.
  if (rk) rd_kafka_poll_set_consumer(rk.get());
  return rk;
}

int partition_count(rd_kafka_t* rk, const std::string& topic, std::string* error) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
  rd_kafka_topic_destroy(rkt);
  if (err) {
    *error = std::string("metadata: ") + rd_kafka_err2str(err);
    return -1;
  }
  int n = -1;
  if (md->topic_cnt != 1 || md->topics[0].err)
    *error = "topic " + topic + ": " +
             (md->topic_cnt == 1 ? rd_kafka_err2str(md->topics[0].err) : "not in the metadata");
  else
    n = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  return n;
}

bool assign_all(rd_kafka_t* rk, const std::string& topic, int partitions, int64_t offset, std::string* error) {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = offset;
  rd_kafka_resp_err_t err = rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (err) *error = std::string("assign: ") + rd_kafka_err2str(err);
  return !err;
}

}  // namespace kbench
