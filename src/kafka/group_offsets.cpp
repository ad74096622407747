#include "kafka/group_offsets.h"

#include "kafka/wire.h"

namespace orderstream::kafka {

std::string encode_find_coordinator_response(int16_t version, const std::string& host, int32_t port) {
  Writer out;
  if (version >= 1) out.i32(0);  // throttle_time_ms
  out.i16(0);                    // error_code
  if (version >= 1) out.nullable_string(std::nullopt);  // error_message
  out.i32(0);                    // node_id
  out.string(host);
  out.i32(port);
  return out.take();
}

Result<OffsetCommitRequest> parse_offset_commit_request(int16_t version, std::string_view body) {
  Reader in(body);
  OffsetCommitRequest req;
  req.group_id = std::string(in.string());
  if (version >= 1) {
    req.generation_id = in.i32();
    req.member_id = std::string(in.string());
  }
  if (version >= 7) (void)in.nullable_string();          // group_instance_id
  if (version >= 2 && version <= 4) (void)in.i64();      // retention_time_ms
  int32_t topics = in.array_length(6).value_or(0);
  for (int32_t i = 0; i < topics && in.ok(); ++i) {
    OffsetCommitTopic t;
    t.name = std::string(in.string());
    int32_t parts = in.array_length(14).value_or(0);
    for (int32_t j = 0; j < parts && in.ok(); ++j) {
      OffsetCommitPartition p;
      p.index = in.i32();
      p.offset = in.i64();
      if (version >= 6) (void)in.i32();  // committed_leader_epoch
      if (version == 1) (void)in.i64();  // commit_timestamp
      (void)in.nullable_string();        // metadata: not kept
      t.partitions.push_back(p);
    }
    req.topics.push_back(std::move(t));
  }
  OS_RETURN_IF_ERROR(in.status());
  return req;
}

std::string encode_offset_commit_response(int16_t version, const std::vector<TopicErrors>& topics) {
  Writer out;
  if (version >= 3) out.i32(0);  // throttle_time_ms
  out.array_length(static_cast<int32_t>(topics.size()));
  for (const TopicErrors& t : topics) {
    out.string(t.name);
    out.array_length(static_cast<int32_t>(t.partitions.size()));
    for (const PartitionError& p : t.partitions) {
      out.i32(p.index);
      out.i16(p.error_code);
    }
  }
  return out.take();
}

Result<OffsetFetchRequest> parse_offset_fetch_request(int16_t version, std::string_view body) {
  Reader in(body);
  OffsetFetchRequest req;
  req.group_id = std::string(in.string());
  std::optional<int32_t> topics = in.array_length(6);
  if (!topics && version < 2) in.fail("null topics in OffsetFetch v1");
  if (topics) {
    req.topics.emplace();
    for (int32_t i = 0; i < *topics && in.ok(); ++i) {
      std::string name(in.string());
      std::vector<int32_t> parts;
      int32_t n = in.array_length(4).value_or(0);
      for (int32_t j = 0; j < n && in.ok(); ++j) parts.push_back(in.i32());
      req.topics->emplace_back(std::move(name), std::move(parts));
    }
  }
  OS_RETURN_IF_ERROR(in.status());
  return req;
}

std::string encode_offset_fetch_response(int16_t version, const std::vector<FetchedOffsets>& topics, int16_t error_code) {
  Writer out;
  if (version >= 3) out.i32(0);  // throttle_time_ms
  out.array_length(static_cast<int32_t>(topics.size()));
  for (const FetchedOffsets& t : topics) {
    out.string(t.name);
    out.array_length(static_cast<int32_t>(t.partitions.size()));
    for (const FetchedOffset& p : t.partitions) {
      out.i32(p.index);
      out.i64(p.offset);
      if (version >= 5) out.i32(-1);  // committed_leader_epoch
      out.nullable_string(std::string_view());  // metadata
      out.i16(p.error_code);
    }
  }
  if (version >= 2) out.i16(error_code);
  return out.take();
}

}  // namespace orderstream::kafka
