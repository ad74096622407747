// ListOffsets on the embedded log: earliest is a partition's start, latest its end, and a time
// the first record at or after it (offsetsForTimes; -1 when there is none), read from one
// snapshot and answered once durable, like Fetch.
#include "api/durable_answer.h"
#include "api/kafka_broker.h"
#include "kafka/list_offsets.h"

namespace orderstream::api {

void kafka_list_offsets(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply) {
  auto req = kafka::parse_list_offsets_request(h.api_version, h.body);
  if (!req.ok()) return;  // a malformed request closes the connection
  auto view = ctx->base->log->read_view();
  if (!view.ok()) return;
  std::vector<kafka::ListOffsetsTopicResult> out;
  for (const kafka::ListOffsetsTopic& t : *req) {
    kafka::ListOffsetsTopicResult& tr = out.emplace_back();
    tr.name = t.name;
    for (const kafka::ListOffsetsPartition& p : t.partitions) {
      kafka::ListOffsetsPartitionResult& pr = tr.partitions.emplace_back();
      pr.index = p.index;
      log::TopicPartition tp{t.name, PartitionId(p.index)};
      auto info = view->partition_info(tp);
      if (!info.ok()) {
        pr.error_code = kafka::errors::kUnknownTopicOrPartition;
        continue;
      }
      if (p.timestamp == kafka::kEarliestTimestamp) {
        pr.offset = info->start.v;
      } else if (p.timestamp == kafka::kLatestTimestamp) {
        pr.offset = info->end.v;
      } else {
        auto at = view->offset_for_time(tp, p.timestamp);
        if (!at.ok()) {
          pr.error_code = kafka::errors::kKafkaStorageError;
          continue;
        }
        if (*at == info->end) continue;  // nothing that late: offset and timestamp -1
        pr.offset = at->v;
        auto recs = view->read(tp, *at, 1);
        if (recs.ok() && !recs->empty()) pr.timestamp = recs->front().timestamp_ms;
      }
    }
  }
  auto body = std::make_shared<std::string>(kafka::encode_list_offsets_response(h.api_version, out));
  when_durable(*ctx->base, [reply, body](const Status& st) {
    if (st.is_ok()) return reply(std::move(*body));
    reply(std::nullopt);
  });
}

}  // namespace orderstream::api
