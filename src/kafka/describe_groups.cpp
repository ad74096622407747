#include "kafka/describe_groups.h"

#include "kafka/wire.h"

namespace orderstream::kafka {

Result<DescribeGroupsRequest> parse_describe_groups_request(int16_t version, std::string_view body) {
  Reader in(body);
  DescribeGroupsRequest req;
  int32_t n = in.array_length(2).value_or(0);
  for (int32_t i = 0; i < n && in.ok(); ++i) req.groups.emplace_back(in.string());
  if (version >= 3) req.include_authorized_operations = in.boolean();
  OS_RETURN_IF_ERROR(in.status());
  return req;
}

std::string encode_describe_groups_response(int16_t version, const std::vector<DescribedGroup>& groups) {
  Writer out;
  if (version >= 1) out.i32(0);  // throttle_time_ms
  out.array_length(static_cast<int32_t>(groups.size()));
  for (const DescribedGroup& g : groups) {
    out.i16(g.error_code);
    out.string(g.group_id);
    out.string(g.state);
    out.string(g.protocol_type);
    out.string(g.protocol_data);
    out.array_length(static_cast<int32_t>(g.members.size()));
    for (const DescribedMember& m : g.members) {
      out.string(m.member_id);
      if (version >= 4) out.nullable_string(m.group_instance_id);
      out.string(m.client_id);
      out.string(m.client_host);
      out.nullable_bytes(std::string_view(m.metadata));
      out.nullable_bytes(std::string_view(m.assignment));
    }
    if (version >= 3) out.i32(g.authorized_operations);
  }
  return out.take();
}

}  // namespace orderstream::kafka
