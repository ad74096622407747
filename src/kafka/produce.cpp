#include "kafka/produce.h"

#include "kafka/wire.h"

namespace orderstream::kafka {

Result<ProduceRequest> parse_produce_request(int16_t, std::string_view body) {
  Reader in(body);
  ProduceRequest req;
  if (auto t = in.nullable_string()) req.transactional_id = std::string(*t);
  req.acks = in.i16();
  req.timeout_ms = in.i32();
  int32_t topics = in.array_length(6).value_or(0);
  for (int32_t i = 0; i < topics && in.ok(); ++i) {
    ProduceTopic t;
    t.name = std::string(in.string());
    int32_t parts = in.array_length(8).value_or(0);
    for (int32_t j = 0; j < parts && in.ok(); ++j) {
      ProducePartition p;
      p.index = in.i32();
      p.records = in.nullable_bytes();
      t.partitions.push_back(p);
    }
    req.topics.push_back(std::move(t));
  }
  if (in.ok() && req.acks != 0 && req.acks != 1 && req.acks != -1)
    in.fail("acks must be 0, 1 or -1");
  OS_RETURN_IF_ERROR(in.status());
  return req;
}

std::string encode_produce_response(int16_t version, const std::vector<ProduceTopicResult>& topics) {
  Writer out;
  out.array_length(static_cast<int32_t>(topics.size()));
  for (const ProduceTopicResult& t : topics) {
    out.string(t.name);
    out.array_length(static_cast<int32_t>(t.partitions.size()));
    for (const ProducePartitionResult& p : t.partitions) {
      out.i32(p.index);
      out.i16(p.error_code);
      out.i64(p.base_offset);
      out.i64(p.log_append_time_ms);                   // v2+
      if (version >= 5) out.i64(p.log_start_offset);  // v5+
    }
  }
  out.i32(0);  // throttle_time_ms (v1+)
  return out.take();
}

}  // namespace orderstream::kafka
