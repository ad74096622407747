#include "kafka/metadata.h"

#include "kafka/wire.h"

namespace orderstream::kafka {

Result<MetadataRequest> parse_metadata_request(int16_t version, std::string_view body) {
  Reader in(body);
  MetadataRequest req;
  std::optional<int32_t> n = in.array_length(2);
  if (n) {
    std::vector<std::string> topics;
    for (int32_t i = 0; i < *n && in.ok(); ++i) topics.emplace_back(in.string());
    // v0 has no null array: an empty one asks for every topic.
    if (!(version == 0 && topics.empty())) req.topics = std::move(topics);
  } else if (version == 0) {
    in.fail("null topics array in Metadata v0");
  }
  if (version >= 4) req.allow_auto_topic_creation = in.boolean();
  OS_RETURN_IF_ERROR(in.status());
  return req;
}

std::string encode_metadata_response(int16_t version, const MetadataResponse& r) {
  Writer out;
  if (version >= 3) out.i32(0);  // throttle_time_ms
  out.array_length(1);           // brokers: this one
  out.i32(0);                    // node_id
  out.string(r.host);
  out.i32(r.port);
  if (version >= 1) out.nullable_string(std::nullopt);  // rack
  if (version >= 2) out.nullable_string(r.cluster_id);
  if (version >= 1) out.i32(0);  // controller_id
  out.array_length(static_cast<int32_t>(r.topics.size()));
  for (const TopicMetadata& t : r.topics) {
    out.i16(t.error_code);
    out.string(t.name);
    if (version >= 1) out.boolean(t.is_internal);
    out.array_length(t.partitions);
    for (int32_t p = 0; p < t.partitions; ++p) {
      out.i16(0);  // error_code
      out.i32(p);
      out.i32(0);  // leader
      out.array_length(1);
      out.i32(0);  // replicas
      out.array_length(1);
      out.i32(0);  // isr
    }
  }
  return out.take();
}

}  // namespace orderstream::kafka
