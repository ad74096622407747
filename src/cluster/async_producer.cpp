#include "cluster/async_producer.h"

#include "cluster/rd_types.h"
#include "common/guarded.h"

namespace orderstream::cluster {

Result<std::unique_ptr<AsyncProducer>> AsyncProducer::open(const ClientOptions& options) {
  ClientOptions o = options;
  o.properties.insert(o.properties.begin(), {"partitioner", "murmur2_random"});
  std::unique_ptr<AsyncProducer> p(new AsyncProducer());
  OS_ASSIGN_OR_RETURN(p->client_, KafkaClient::create(KafkaClient::Kind::kProducer, o, "", nullptr, p.get()));
  p->delivery_ = std::thread([raw = p.get()] {
    while (!raw->stopping_.load(std::memory_order_acquire)) rd_kafka_poll(raw->client_->get(), 100);
  });
  return p;
}

AsyncProducer::~AsyncProducer() {
  stopping_.store(true, std::memory_order_release);
  delivery_.join();
  rd_kafka_t* rk = client_->get();
  // The delivery callbacks run inside flush and poll, now on this thread.
  (void)rd_kafka_flush(rk, client_->timeout_ms());
  (void)rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  while (rd_kafka_outq_len(rk) > 0 && rd_kafka_poll(rk, 100) >= 0) {
  }
}

Status AsyncProducer::send(const std::string& topic, std::optional<std::string_view> key,
                           std::optional<std::string_view> value, DoneFn done) {
  auto* owned = new DoneFn(std::move(done));  // freed by on_delivery, or below
  {
    std::lock_guard lock(mu_);
    ++in_flight_;
  }
  // librdkafka's V_ macros cast their arguments unparenthesised: plain locals only.
  const void* key_data = key ? key->data() : nullptr;
  size_t key_size = key ? key->size() : 0;
  void* payload = value ? const_cast<char*>(value->data()) : nullptr;
  size_t payload_size = value ? value->size() : 0;
  void* opaque = owned;
  rd_kafka_resp_err_t err = rd_kafka_producev(
      client_->get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(key_data, key_size),
      RD_KAFKA_V_VALUE(payload, payload_size), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(opaque),
      RD_KAFKA_V_END);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::ok();
  delete owned;
  {
    std::lock_guard lock(mu_);
    --in_flight_;
  }
  if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
    return busy("the producer's queue to " + client_->where() + " is full");
  return kafka_status(err, "producing to " + topic);
}

void AsyncProducer::on_delivery(const Status& st, int32_t partition, int64_t offset, void* opaque) {
  {
    std::lock_guard lock(mu_);
    --in_flight_;
  }
  std::unique_ptr<DoneFn> done(static_cast<DoneFn*>(opaque));
  // Inside librdkafka's C code: nothing may be thrown through it.
  run_guarded("a produced record's completion", [&] { (*done)(st, partition, offset); });
}

size_t AsyncProducer::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

}  // namespace orderstream::cluster
