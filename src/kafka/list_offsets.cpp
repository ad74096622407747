#include "kafka/list_offsets.h"

#include "kafka/wire.h"

namespace orderstream::kafka {

Result<std::vector<ListOffsetsTopic>> parse_list_offsets_request(int16_t version, std::string_view body) {
  Reader in(body);
  (void)in.i32();                    // replica_id
  if (version >= 2) (void)in.i8();   // isolation_level: no transactions, so both read the same
  std::vector<ListOffsetsTopic> topics;
  int32_t n = in.array_length(6).value_or(0);
  for (int32_t i = 0; i < n && in.ok(); ++i) {
    ListOffsetsTopic t;
    t.name = std::string(in.string());
    int32_t parts = in.array_length(12).value_or(0);
    for (int32_t j = 0; j < parts && in.ok(); ++j) {
      ListOffsetsPartition p;
      p.index = in.i32();
      p.timestamp = in.i64();
      t.partitions.push_back(p);
    }
    topics.push_back(std::move(t));
  }
  OS_RETURN_IF_ERROR(in.status());
  return topics;
}

std::string encode_list_offsets_response(int16_t version, const std::vector<ListOffsetsTopicResult>& topics) {
  Writer out;
  if (version >= 2) out.i32(0);  // throttle_time_ms
  out.array_length(static_cast<int32_t>(topics.size()));
  for (const ListOffsetsTopicResult& t : topics) {
    out.string(t.name);
    out.array_length(static_cast<int32_t>(t.partitions.size()));
    for (const ListOffsetsPartitionResult& p : t.partitions) {
      out.i32(p.index);
      out.i16(p.error_code);
      out.i64(p.timestamp);
      out.i64(p.offset);
    }
  }
  return out.take();
}

}  // namespace orderstream::kafka
