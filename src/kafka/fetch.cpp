#include "kafka/fetch.h"

#include "kafka/wire.h"

namespace orderstream::kafka {

Result<FetchRequest> parse_fetch_request(int16_t version, std::string_view body) {
  Reader in(body);
  FetchRequest req;
  (void)in.i32();  // replica_id: -1 from consumers
  req.max_wait_ms = in.i32();
  req.min_bytes = in.i32();
  req.max_bytes = in.i32();
  req.isolation_level = in.i8();
  if (version >= 7) {
    (void)in.i32();  // session_id
    (void)in.i32();  // session_epoch
  }
  int32_t topics = in.array_length(6).value_or(0);
  for (int32_t i = 0; i < topics && in.ok(); ++i) {
    FetchTopic t;
    t.name = std::string(in.string());
    int32_t parts = in.array_length(16).value_or(0);
    for (int32_t j = 0; j < parts && in.ok(); ++j) {
      FetchPartition p;
      p.index = in.i32();
      if (version >= 9) (void)in.i32();  // current_leader_epoch
      p.fetch_offset = in.i64();
      if (version >= 5) (void)in.i64();  // log_start_offset: a follower's, unused
      p.max_bytes = in.i32();
      t.partitions.push_back(p);
    }
    req.topics.push_back(std::move(t));
  }
  if (version >= 7) {
    int32_t forgotten = in.array_length(6).value_or(0);  // only meaningful inside a session
    for (int32_t i = 0; i < forgotten && in.ok(); ++i) {
      (void)in.string();
      int32_t n = in.array_length(4).value_or(0);
      for (int32_t j = 0; j < n && in.ok(); ++j) (void)in.i32();
    }
  }
  if (version >= 11) (void)in.string();  // rack_id
  OS_RETURN_IF_ERROR(in.status());
  return req;
}

std::string encode_fetch_response(int16_t version, const std::vector<FetchTopicResult>& topics) {
  Writer out;
  out.i32(0);  // throttle_time_ms
  if (version >= 7) {
    out.i16(0);  // error_code
    out.i32(0);  // session_id: no session
  }
  out.array_length(static_cast<int32_t>(topics.size()));
  for (const FetchTopicResult& t : topics) {
    out.string(t.name);
    out.array_length(static_cast<int32_t>(t.partitions.size()));
    for (const FetchPartitionResult& p : t.partitions) {
      out.i32(p.index);
      out.i16(p.error_code);
      out.i64(p.high_watermark);
      out.i64(p.high_watermark);  // last_stable_offset: no transactions, so the high watermark
      if (version >= 5) out.i64(p.log_start_offset);
      out.array_length(-1);               // aborted_transactions: none (null)
      if (version >= 11) out.i32(-1);     // preferred_read_replica: this broker
      out.nullable_bytes(std::string_view(p.records));
    }
  }
  return out.take();
}

}  // namespace orderstream::kafka
