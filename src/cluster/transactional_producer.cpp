#include "cluster/transactional_producer.h"

#include "cluster/rd_types.h"

namespace orderstream::cluster {
namespace {

// A transaction API error as a Status: fencing is kPermissionDenied, an abortable or retriable
// one kAborted, anything else the librdkafka code's mapping.
Status txn_status(const rd_kafka_error_t* e, const std::string& what) {
  std::string message = what + ": " + rd_kafka_error_string(e);
  rd_kafka_resp_err_t code = rd_kafka_error_code(e);
  if (code == RD_KAFKA_RESP_ERR__FENCED || code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
      code == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH)
    return permission_denied(message);
  if (!rd_kafka_error_is_fatal(e) && (rd_kafka_error_txn_requires_abort(e) || rd_kafka_error_is_retriable(e)))
    return aborted(message);
  Status st = kafka_status(code, what);
  return st.is_ok() ? io_error(message) : st;
}

}  // namespace

Result<std::unique_ptr<TransactionalProducer>> TransactionalProducer::open(const ClientOptions& options,
                                                                           const std::string& transactional_id) {
  ClientOptions o = options;
  // Before the user's properties, so -X can still tune them; the id is this call's.
  o.properties.insert(o.properties.begin(), {{"partitioner", "murmur2_random"}});
  o.properties.emplace_back("transactional.id", transactional_id);
  OS_ASSIGN_OR_RETURN(auto client, KafkaClient::create(KafkaClient::Kind::kProducer, o));
  Error e(rd_kafka_init_transactions(client->get(), client->timeout_ms()));
  if (e) return txn_status(e.get(), "initialising transactions of '" + transactional_id + "' on " + client->where());
  return std::unique_ptr<TransactionalProducer>(new TransactionalProducer(std::move(client)));
}

Status TransactionalProducer::produce(const OutRecord& r) {
  rd_kafka_headers_t* hdrs = nullptr;
  if (!r.headers.empty()) {
    hdrs = rd_kafka_headers_new(r.headers.size());
    for (const log::Header& h : r.headers)
      rd_kafka_header_add(hdrs, h.key.data(), static_cast<ssize_t>(h.key.size()), h.value ? h.value->data() : nullptr,
                          h.value ? static_cast<ssize_t>(h.value->size()) : 0);
  }
  // librdkafka's V_ macros cast their arguments unparenthesised: plain locals only.
  int32_t partition = r.partition ? *r.partition : RD_KAFKA_PARTITION_UA;
  const void* key = r.key ? r.key->data() : nullptr;
  size_t key_size = r.key ? r.key->size() : 0;
  void* value = r.value ? const_cast<char*>(r.value->data()) : nullptr;
  size_t value_size = r.value ? r.value->size() : 0;
  int64_t timestamp_ms = r.timestamp_ms;
  rd_kafka_resp_err_t err;
  // A full local queue drains as librdkafka sends: wait for it (bounded) instead of failing a
  // large step.
  for (int tries = 0;; ++tries) {
    err = rd_kafka_producev(
      client_->get(), RD_KAFKA_V_TOPIC(r.topic.c_str()), RD_KAFKA_V_PARTITION(partition),
      RD_KAFKA_V_KEY(key, key_size), RD_KAFKA_V_VALUE(value, value_size), RD_KAFKA_V_TIMESTAMP(timestamp_ms),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(hdrs),
      RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || tries * 100 >= client_->timeout_ms()) break;
    rd_kafka_poll(client_->get(), 100);
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && hdrs) rd_kafka_headers_destroy(hdrs);  // owned by the message on success
  return kafka_status(err, "producing to " + r.topic);
}

Status TransactionalProducer::commit_step(const std::vector<OutRecord>& records,
                                          const std::vector<InputPosition>& positions, KafkaClient& consumer) {
  if (failed_) return aborted("the transactional producer failed earlier; reopen it");
  rd_kafka_t* rk = client_->get();
  auto fail = [&](Status st) {
    if (st.code() == StatusCode::kAborted) {
      Error abort_error(rd_kafka_abort_transaction(rk, client_->timeout_ms()));
      if (abort_error) {
        failed_ = true;
        return txn_status(abort_error.get(), "aborting a transaction after: " + st.message());
      }
    } else {
      failed_ = true;
    }
    return st;
  };
  if (Error e(rd_kafka_begin_transaction(rk)); e) return fail(txn_status(e.get(), "beginning a transaction"));
  for (const OutRecord& r : records) {
    Status st = produce(r);
    // A local refusal (queue full, unknown partition) fails the step; the records queued so
    // far are aborted with it.
    if (!st.is_ok()) return fail(aborted(st.message()));
  }
  if (!positions.empty()) {
    PartitionList offsets(
        rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
    for (const InputPosition& p : positions)
      rd_kafka_topic_partition_list_add(offsets.get(), p.topic.c_str(), p.partition)->offset = p.next;
    GroupMetadata group(
        rd_kafka_consumer_group_metadata(consumer.get()));
    if (!group) return fail(aborted("the consumer has no group metadata"));
    if (Error e(rd_kafka_send_offsets_to_transaction(rk, offsets.get(), group.get(), client_->timeout_ms())); e)
      return fail(txn_status(e.get(), "sending the step's offsets to the transaction"));
  }
  // A retriable commit error (a timeout) may have committed on the brokers: commit again, which
  // librdkafka allows, rather than abort what may be done. Three tries, then the step aborts.
  for (int tries = 1;; ++tries) {
    Error e(rd_kafka_commit_transaction(rk, client_->timeout_ms()));
    if (!e) return Status::ok();
    if (!rd_kafka_error_is_retriable(e.get()) || tries == 3)
      return fail(txn_status(e.get(), "committing a transaction to " + client_->where()));
  }
}

}  // namespace orderstream::cluster
