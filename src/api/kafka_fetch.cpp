// Fetch on the embedded log: stored records as one record batch per partition (offset deltas
// follow the stored offsets, so compaction gaps show as Kafka shows them), a long-poll on
// max_wait_ms/min_bytes without a blocked thread (poll_log), and only durable records: the
// answer waits until the commits it read are synced, so the high watermark is the durable end.
#include <algorithm>

#include "api/durable_answer.h"
#include "api/kafka_broker.h"
#include "api/log_poll.h"
#include "kafka/fetch.h"
#include "kafka/record_batch.h"

namespace orderstream::api {

namespace {

// At most this many records per partition per answer (one batch), whatever the byte limits.
constexpr size_t kMaxRecordsPerPartition = 10000;

struct FetchState {
  int16_t version = 0;
  kafka::FetchRequest req;
  kafka::Reply reply;
};

// Reads what the request asks for; *bytes gets the record bytes found.
Result<std::vector<kafka::FetchTopicResult>> read_fetch(const log::Log& log, const kafka::FetchRequest& req,
                                                        size_t* bytes) {
  OS_ASSIGN_OR_RETURN(log::ReadView view, log.read_view());
  std::vector<kafka::FetchTopicResult> out;
  size_t budget = static_cast<size_t>(std::max(req.max_bytes, 1));
  *bytes = 0;
  for (const kafka::FetchTopic& t : req.topics) {
    kafka::FetchTopicResult& tr = out.emplace_back();
    tr.name = t.name;
    auto info = log.topic(t.name);
    for (const kafka::FetchPartition& p : t.partitions) {
      kafka::FetchPartitionResult& pr = tr.partitions.emplace_back();
      pr.index = p.index;
      if (!info.ok() || p.index < 0 || p.index >= info->partitions) {
        pr.error_code = kafka::errors::kUnknownTopicOrPartition;
        continue;
      }
      log::TopicPartition tp{t.name, PartitionId(p.index)};
      auto pi = view.partition_info(tp);
      if (!pi.ok()) {
        pr.error_code = kafka::errors::kUnknownTopicOrPartition;
        continue;
      }
      pr.high_watermark = pi->end.v;
      pr.log_start_offset = pi->start.v;
      if (p.fetch_offset < pi->start.v || p.fetch_offset > pi->end.v) {
        pr.error_code = kafka::errors::kOffsetOutOfRange;
        continue;
      }
      // A LogAppendTime topic's records carry the log's time, which Kafka clients read from the
      // batch (its max timestamp, attribute bit 3): one batch per append time, so each record
      // keeps its own.
      bool log_append_time = info->config.timestamp_type == log::TimestampType::kLogAppendTime;
      std::vector<kafka::RecordBatch> batches;
      size_t partition_bytes = 0;
      size_t limit = std::min(budget, static_cast<size_t>(std::max(p.max_bytes, 1)));
      auto next = view.scan(tp, Offset(p.fetch_offset), kMaxRecordsPerPartition, [&](const log::RecordView& r) {
        size_t size = (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0) + r.encoded_headers.size() + 24;
        // At least one record, so a record larger than the limit still gets through (as Kafka).
        if (!batches.empty() && partition_bytes + size > limit) return false;
        if (batches.empty() || (log_append_time && batches.back().records.front().timestamp_ms != r.timestamp_ms)) {
          kafka::RecordBatch& b = batches.emplace_back();
          b.base_offset = r.offset.v;
          if (log_append_time) b.attributes = 0x08;
        }
        kafka::RecordBatch& batch = batches.back();
        kafka::BatchRecord& rec = batch.records.emplace_back();
        rec.timestamp_ms = r.timestamp_ms;
        rec.offset_delta = static_cast<int32_t>(r.offset.v - batch.base_offset);
        if (r.key) rec.key = std::string(*r.key);
        if (r.value) rec.value = std::string(*r.value);
        for (log::Header& h : r.headers()) rec.headers.push_back({std::move(h.key), std::move(h.value)});
        partition_bytes += size;
        return true;
      });
      if (!next.ok()) {
        pr.error_code = kafka::errors::kKafkaStorageError;  // a damaged record
        continue;
      }
      if (batches.empty()) continue;
      for (const kafka::RecordBatch& b : batches) pr.records += kafka::encode_batch(b);
      *bytes += pr.records.size();
      budget -= std::min(budget, pr.records.size());
      if (budget == 0) budget = 1;  // later partitions still answer, empty
    }
  }
  return out;
}

void answer(const std::shared_ptr<KafkaContext>& ctx, const std::shared_ptr<FetchState>& s,
            std::vector<kafka::FetchTopicResult> results) {
  auto shared = std::make_shared<std::vector<kafka::FetchTopicResult>>(std::move(results));
  when_durable(*ctx->base, [s, shared](const Status& st) {
    if (!st.is_ok())
      for (auto& t : *shared)
        for (auto& p : t.partitions) {
          p.records.clear();
          p.error_code = kafka::errors::kKafkaStorageError;
        }
    s->reply(kafka::encode_fetch_response(s->version, *shared));
  });
}

}  // namespace

void kafka_fetch(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply) {
  auto req = kafka::parse_fetch_request(h.api_version, h.body);
  if (!req.ok()) return;  // a malformed request closes the connection
  auto s = std::make_shared<FetchState>();
  s->version = h.api_version;
  s->req = std::move(*req);
  s->reply = std::move(reply);
  const log::Log* log = ctx->base->log;
  auto attempt = [ctx, s, log](bool last) -> bool {
    size_t bytes = 0;
    auto results = read_fetch(*log, s->req, &bytes);
    if (!results.ok()) {
      s->reply(std::nullopt);  // the log cannot be read: nothing sensible to say
      return true;
    }
    if (!last && bytes < static_cast<size_t>(std::max(s->req.min_bytes, 1))) return false;
    answer(ctx, s, std::move(*results));
    return true;
  };
  int32_t wait = std::clamp(s->req.max_wait_ms, 0, ctx->base->max_timeout_ms);
  poll_log(*ctx->base->io, *log, ctx->base->watcher.get(), std::chrono::milliseconds(wait), [attempt] { return attempt(false); },
           [attempt] { attempt(true); });
}

}  // namespace orderstream::api
