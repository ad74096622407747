// Committed offsets over Kafka are the log's consumer-group offsets, the same ones the CLI and
// the REST Proxy show: OffsetCommit writes them through the group commit (answered once
// durable), OffsetFetch reads them. A stream task's or a running query's group is
// GROUP_AUTHORIZATION_FAILED, with nothing written. A commit must come from a member of the
// group's current generation, or, for a group without members, from a consumer that assigns
// its partitions itself (generation -1), as Kafka's coordinator checks.
#include "api/durable_answer.h"
#include "api/kafka_broker.h"
#include "kafka/group_offsets.h"

namespace orderstream::api {

using namespace kafka::errors;

void kafka_find_coordinator(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h,
                            kafka::Reply reply) {
  reply(kafka::encode_find_coordinator_response(h.api_version, ctx->advertised_host, ctx->advertised_port.load()));
}

void kafka_offset_commit(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply) {
  auto req = kafka::parse_offset_commit_request(h.api_version, h.body);
  if (!req.ok()) return;  // a malformed request closes the connection
  int16_t version = h.api_version;
  int16_t whole = kafka::errors::kNone;
  if (req->group_id.empty()) whole = kInvalidGroupId;
  else if (ctx->owns.group_refusal(req->group_id)) whole = kGroupAuthorizationFailed;
  else if (ctx->base->live_groups->rest_proxy(req->group_id)) whole = kafka::errors::kUnknownMemberId;
  else whole = ctx->groups->check_commit(req->group_id, req->generation_id, req->member_id);
  auto results = std::make_shared<std::vector<kafka::TopicErrors>>();
  auto offsets = std::make_shared<std::vector<std::pair<log::TopicPartition, Offset>>>();
  std::vector<size_t> written;  // indexes into the flattened results that the write decides
  for (const kafka::OffsetCommitTopic& t : req->topics) {
    kafka::TopicErrors& te = results->emplace_back();
    te.name = t.name;
    auto info = ctx->base->log->topic(t.name);
    for (const kafka::OffsetCommitPartition& p : t.partitions) {
      kafka::PartitionError& pe = te.partitions.emplace_back();
      pe.index = p.index;
      if (whole != kafka::errors::kNone) pe.error_code = whole;
      else if (!info.ok() || p.index < 0 || p.index >= info->partitions) pe.error_code = kafka::errors::kUnknownTopicOrPartition;
      else if (p.offset < 0) pe.error_code = kOffsetOutOfRange;
      else offsets->emplace_back(log::TopicPartition{t.name, PartitionId(p.index)}, Offset(p.offset));
    }
  }
  if (offsets->empty()) return reply(kafka::encode_offset_commit_response(version, *results));
  std::string group = req->group_id;
  Status st = ctx->base->writer->submit(
      [group, offsets](log::WriteTxn& txn) {
        for (const auto& [tp, next] : *offsets) OS_RETURN_IF_ERROR(txn.commit_offset(group, tp, next));
        return Status::ok();
      },
      [results, version, reply](const Status& s) {
        if (!s.is_ok())
          for (auto& t : *results)
            for (auto& p : t.partitions)
              if (p.error_code == kafka::errors::kNone) p.error_code = kKafkaStorageError;
        reply(kafka::encode_offset_commit_response(version, *results));
      });
  if (!st.is_ok()) {
    for (auto& t : *results)
      for (auto& p : t.partitions)
        if (p.error_code == kafka::errors::kNone) p.error_code = kRequestTimedOut;
    reply(kafka::encode_offset_commit_response(version, *results));
  }
}

void kafka_offset_fetch(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h, kafka::Reply reply) {
  auto req = kafka::parse_offset_fetch_request(h.api_version, h.body);
  if (!req.ok()) return;
  auto view = ctx->base->log->read_view();
  if (!view.ok()) return;
  std::vector<kafka::FetchedOffsets> out;
  if (!req->topics) {
    auto all = view->group_offsets(req->group_id);
    if (!all.ok()) return;
    for (const log::GroupOffset& g : *all) {
      if (out.empty() || out.back().name != g.tp.topic) out.push_back({g.tp.topic, {}});
      out.back().partitions.push_back({g.tp.partition.v, g.offset.v, kafka::errors::kNone});
    }
  } else {
    for (const auto& [topic, parts] : *req->topics) {
      kafka::FetchedOffsets& fo = out.emplace_back();
      fo.name = topic;
      for (int32_t p : parts) {
        auto c = view->committed(req->group_id, {topic, PartitionId(p)});
        // Kafka answers -1 without an error for a partition without a committed offset.
        fo.partitions.push_back({p, c.ok() && *c ? (*c)->v : -1, kafka::errors::kNone});
      }
    }
  }
  auto body = std::make_shared<std::string>(kafka::encode_offset_fetch_response(h.api_version, out, kafka::errors::kNone));
  when_durable(*ctx->base, [reply, body](const Status& st) {
    if (st.is_ok()) return reply(std::move(*body));
    reply(std::nullopt);
  });
}

}  // namespace orderstream::api
