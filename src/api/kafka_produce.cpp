// Produce on the embedded log: each partition's batches are one write of the group commit (so a
// bad partition fails alone), answered once durable like every acknowledged write. The
// single-writer rule holds: a topic the ecosystem or a query owns is TOPIC_AUTHORIZATION_FAILED.
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>

#include "api/kafka_broker.h"
#include "api/kafka_producers.h"
#include "kafka/produce.h"
#include "kafka/record_batch.h"
#include "log/topic_config.h"

namespace orderstream::api {

namespace {

namespace kerr = kafka::errors;

int16_t error_for(const Status& st) {
  switch (st.code()) {
    case StatusCode::kNoSpace:
    case StatusCode::kIOError:
    case StatusCode::kCorruption:
      return kerr::kKafkaStorageError;
    case StatusCode::kBusy:
    case StatusCode::kAborted:
      return kerr::kRequestTimedOut;
    case StatusCode::kInvalidArgument:
      return kafka::kInvalidRecord;  // e.g. a keyless record for a compacted topic
    default:
      return kerr::kUnknownServerError;
  }
}

// One partition's decoded batches and where its answer goes.
struct PartitionWrite {
  std::string topic;
  int32_t partition = 0;
  bool log_append_time = false;  // the topic's message.timestamp.type: the answer gives the time
  std::vector<kafka::RecordBatch> batches;
  std::vector<std::vector<log::Header>> headers;  // per record, in order: RecordData points here
  kafka::ProducePartitionResult* result = nullptr;
};

// The whole request: results filled by the writes' callbacks, answered when the last is in.
struct Pending {
  int16_t version = 0;
  bool answer = true;
  kafka::Reply reply;
  std::vector<kafka::ProduceTopicResult> results;
  std::atomic<int> outstanding{0};
  void finish_one() {
    if (outstanding.fetch_sub(1) == 1 && answer) reply(kafka::encode_produce_response(version, results));
  }
};

// What an idempotent producer's batches do to one partition, decided before anything is stored
// so that a sequence error refuses the whole partition, as Kafka does.
struct ProducerPlan {
  std::map<int64_t, ProducerEntry> entries;  // by producer id, as stored before this write
  std::vector<SequenceCheck> checks;         // per batch
  int16_t error_code = 0;
};

Result<ProducerPlan> plan_producers(const PartitionWrite& w, log::WriteTxn& txn) {
  ProducerPlan plan;
  std::map<int64_t, ProducerEntry> after;  // as if every batch so far were appended
  for (const kafka::RecordBatch& b : w.batches) {
    SequenceCheck& c = plan.checks.emplace_back();
    if (b.producer_id < 0) continue;
    if (b.producer_epoch < 0 || b.base_sequence < 0) {
      plan.error_code = kafka::kInvalidRecord;
      return plan;
    }
    if (!plan.entries.count(b.producer_id)) {
      OS_ASSIGN_OR_RETURN(auto stored, txn.get(kProducerStore, producer_key(b.producer_id, w.topic, w.partition)));
      ProducerEntry e;
      if (stored) e = decode_producer_entry(*stored).value_or(ProducerEntry{});
      plan.entries[b.producer_id] = e;
      after[b.producer_id] = e;
    }
    int32_t last = last_sequence(b.base_sequence, static_cast<int32_t>(b.records.size()));
    c = check_sequence(after[b.producer_id], b.producer_epoch, b.base_sequence, last);
    if (c.kind == SequenceCheck::kError) {
      plan.error_code = c.error_code;
      return plan;
    }
    if (c.kind == SequenceCheck::kAppend) remember_batch(&after[b.producer_id], b.producer_epoch, {b.base_sequence, last, -1});
  }
  return plan;
}

Status append_partition(PartitionWrite& w, log::WriteTxn& txn) {
  w.result->base_offset = -1;  // the writer may run this more than once
  w.result->error_code = kerr::kNone;
  OS_ASSIGN_OR_RETURN(ProducerPlan plan, plan_producers(w, txn));
  if (plan.error_code != kerr::kNone) {
    w.result->error_code = plan.error_code;
    return Status::ok();  // nothing stored; the answer says why
  }
  size_t n = 0;
  for (size_t i = 0; i < w.batches.size(); ++i) {
    const kafka::RecordBatch& b = w.batches[i];
    if (plan.checks[i].kind == SequenceCheck::kDuplicate) {
      n += b.records.size();
      if (w.result->base_offset < 0) w.result->base_offset = plan.checks[i].base_offset;
      continue;
    }
    int64_t first = -1;
    for (const kafka::BatchRecord& r : b.records) {
      log::RecordData data;
      if (r.key) data.key = *r.key;
      if (r.value) data.value = *r.value;
      // LogAppendTime, or a client that sent none (-1): the log's clock.
      data.timestamp_ms = b.log_append_time || r.timestamp_ms < 0 ? log::kNowTimestamp : r.timestamp_ms;
      data.headers = w.headers[n++];
      OS_ASSIGN_OR_RETURN(Offset o, txn.append({w.topic, PartitionId(w.partition)}, data));
      if (first < 0) first = o.v;
    }
    if (w.result->base_offset < 0) w.result->base_offset = first;
    if (b.producer_id >= 0) {
      int32_t last = last_sequence(b.base_sequence, static_cast<int32_t>(b.records.size()));
      remember_batch(&plan.entries[b.producer_id], b.producer_epoch, {b.base_sequence, last, first});
    }
  }
  for (auto& [id, entry] : plan.entries) {
    entry.last_ms = txn.now_ms();
    OS_RETURN_IF_ERROR(txn.put(kProducerStore, producer_key(id, w.topic, w.partition), encode_producer_entry(entry)));
  }
  w.result->log_append_time_ms = w.log_append_time ? txn.now_ms() : -1;
  return Status::ok();
}

void write_partitions(const std::shared_ptr<KafkaContext>& ctx, std::shared_ptr<Pending> pending,
                      std::vector<std::shared_ptr<PartitionWrite>> writes) {
  pending->outstanding = static_cast<int>(writes.size()) + 1;  // +1: released below
  for (auto& w : writes) {
    Status st = ctx->base->writer->submit([w](log::WriteTxn& txn) { return append_partition(*w, txn); },
                                          [w, pending](const Status& s) {
                                            if (!s.is_ok()) {
                                              w->result->error_code = error_for(s);
                                              w->result->base_offset = -1;
                                            }
                                            pending->finish_one();
                                          });
    if (!st.is_ok()) {
      w->result->error_code = error_for(st);
      pending->finish_one();
    }
  }
  if (!pending->answer) pending->reply(std::nullopt);  // acks=0: no answer, whatever happens
  pending->finish_one();
}

}  // namespace

void kafka_produce(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply) {
  auto req = kafka::parse_produce_request(h.api_version, h.body);
  if (!req.ok()) return;  // a malformed request closes the connection
  auto pending = std::make_shared<Pending>();
  pending->version = h.api_version;
  pending->answer = req->acks != 0;
  pending->reply = std::move(reply);
  pending->results.reserve(req->topics.size());  // stable addresses for the PartitionWrites
  std::vector<std::shared_ptr<PartitionWrite>> writes;
  std::vector<std::string> to_create;
  for (const kafka::ProduceTopic& t : req->topics) {
    kafka::ProduceTopicResult& tr = pending->results.emplace_back();
    tr.name = t.name;
    tr.partitions.reserve(t.partitions.size());
    auto info = ctx->base->log->topic(t.name);
    std::optional<std::string> refusal = ctx->owns.topic_refusal(t.name);
    bool creatable = !info.ok() && ctx->auto_create_topics && log::validate_topic_name(t.name).is_ok() &&
                     t.name.rfind("__", 0) != 0;
    int32_t partitions = info.ok() ? info->partitions : creatable ? ctx->default_partitions : 0;
    if (creatable) to_create.push_back(t.name);
    for (const kafka::ProducePartition& p : t.partitions) {
      kafka::ProducePartitionResult& pr = tr.partitions.emplace_back();
      pr.index = p.index;
      if (refusal) {
        pr.error_code = kerr::kTopicAuthorizationFailed;
        continue;
      }
      if (p.index < 0 || p.index >= partitions || !p.records) {
        pr.error_code = kerr::kUnknownTopicOrPartition;
        continue;
      }
      auto w = std::make_shared<PartitionWrite>();
      w->topic = t.name;
      w->partition = p.index;
      w->log_append_time = info.ok() && info->config.timestamp_type == log::TimestampType::kLogAppendTime;
      if (auto bad = kafka::decode_batches(*p.records, &w->batches)) {
        pr.error_code = bad->code;
        std::fprintf(stderr, "kafka: produce to %s/%d refused: %s\n", t.name.c_str(), p.index, bad->message.c_str());
        continue;
      }
      for (const kafka::RecordBatch& b : w->batches)
        for (const kafka::BatchRecord& r : b.records) {
          auto& hs = w->headers.emplace_back();
          for (const kafka::BatchHeader& bh : r.headers) hs.push_back({bh.key, bh.value});
        }
      w->result = &pr;
      writes.push_back(std::move(w));
    }
  }
  // A connection may pipeline Produce requests (kafka/server.h), so their writes must reach the
  // writer in request order. A request that creates a topic submits its writes later, from the
  // writer's thread; while one such is pending, every later request takes the same way, behind it
  // (the writer runs callbacks in submission order), so no write overtakes an earlier one.
  static std::atomic<int> deferred{0};
  if (to_create.empty() && deferred.load() == 0) return write_partitions(ctx, pending, std::move(writes));
  // Creating a topic is an LMDB commit: on the writer's thread, then the writes.
  auto shared_writes = std::make_shared<std::vector<std::shared_ptr<PartitionWrite>>>(std::move(writes));
  deferred.fetch_add(1);
  Status st = ctx->base->writer->submit([](log::WriteTxn&) { return Status::ok(); },
                                        [ctx, pending, shared_writes, to_create](const Status&) {
                                          for (const std::string& name : to_create) {
                                            Status c = ctx->base->log->create_topic(name, ctx->default_partitions, {});
                                            if (!c.is_ok() && c.code() != StatusCode::kConflict)
                                              std::fprintf(stderr, "kafka: auto-creating topic %s: %s\n",
                                                           name.c_str(), c.to_string().c_str());
                                          }
                                          write_partitions(ctx, pending, std::move(*shared_writes));
                                          deferred.fetch_sub(1);  // after its writes are submitted
                                        });
  if (!st.is_ok()) {
    deferred.fetch_sub(1);
    for (auto& w : *shared_writes) w->result->error_code = error_for(st);
    write_partitions(ctx, pending, {});
  }
}

}  // namespace orderstream::api
