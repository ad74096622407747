#include "kafka/create_topics.h"

#include "kafka/wire.h"

namespace orderstream::kafka {

namespace {

CreatableTopic read_creatable_topic(Reader& in) {
  CreatableTopic t;
  t.name = std::string(in.string());
  t.num_partitions = in.i32();
  t.replication_factor = in.i16();
  int32_t assignments = in.array_length(8).value_or(0);
  for (int32_t i = 0; i < assignments && in.ok(); ++i) {
    CreatableAssignment a;
    a.partition_index = in.i32();
    int32_t brokers = in.array_length(4).value_or(0);
    for (int32_t j = 0; j < brokers && in.ok(); ++j) a.broker_ids.push_back(in.i32());
    t.assignments.push_back(std::move(a));
  }
  int32_t configs = in.array_length(4).value_or(0);
  for (int32_t i = 0; i < configs && in.ok(); ++i) {
    CreatableConfig c;
    c.name = std::string(in.string());
    if (auto v = in.nullable_string()) c.value = std::string(*v);
    t.configs.push_back(std::move(c));
  }
  return t;
}

}  // namespace

Result<CreateTopicsRequest> parse_create_topics_request(int16_t version, std::string_view body) {
  Reader in(body);
  CreateTopicsRequest req;
  // The smallest topic: name length, partitions, replication factor, two array lengths.
  int32_t n = in.array_length(16).value_or(0);
  for (int32_t i = 0; i < n && in.ok(); ++i) req.topics.push_back(read_creatable_topic(in));
  req.timeout_ms = in.i32();
  if (version >= 1) req.validate_only = in.boolean();
  OS_RETURN_IF_ERROR(in.status());
  return req;
}

std::string encode_create_topics_response(int16_t version, const std::vector<TopicResult>& topics) {
  Writer out;
  if (version >= 2) out.i32(0);  // throttle_time_ms
  out.array_length(static_cast<int32_t>(topics.size()));
  for (const TopicResult& t : topics) {
    out.string(t.name);
    out.i16(t.error_code);
    if (version >= 1) out.nullable_string(t.error_message);
  }
  return out.take();
}

}  // namespace orderstream::kafka
