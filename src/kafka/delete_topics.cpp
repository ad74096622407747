#include "kafka/delete_topics.h"

#include "kafka/wire.h"

namespace orderstream::kafka {

Result<DeleteTopicsRequest> parse_delete_topics_request(int16_t, std::string_view body) {
  Reader in(body);
  DeleteTopicsRequest req;
  int32_t n = in.array_length(2).value_or(0);
  for (int32_t i = 0; i < n && in.ok(); ++i) req.topic_names.emplace_back(in.string());
  req.timeout_ms = in.i32();
  OS_RETURN_IF_ERROR(in.status());
  return req;
}

std::string encode_delete_topics_response(int16_t version, const std::vector<DeletedTopic>& topics) {
  Writer out;
  if (version >= 1) out.i32(0);  // throttle_time_ms
  out.array_length(static_cast<int32_t>(topics.size()));
  for (const DeletedTopic& t : topics) {
    out.string(t.name);
    out.i16(t.error_code);
  }
  return out.take();
}

}  // namespace orderstream::kafka
