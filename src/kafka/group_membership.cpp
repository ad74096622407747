#include "kafka/group_membership.h"

#include "kafka/wire.h"

namespace orderstream::kafka {

Result<JoinGroupRequest> parse_join_group_request(int16_t version, std::string_view body) {
  Reader in(body);
  JoinGroupRequest req;
  req.group_id = std::string(in.string());
  req.session_timeout_ms = in.i32();
  req.rebalance_timeout_ms = version >= 1 ? in.i32() : req.session_timeout_ms;
  req.member_id = std::string(in.string());
  if (version >= 5)
    if (auto instance = in.nullable_string()) req.group_instance_id = std::string(*instance);
  req.protocol_type = std::string(in.string());
  int32_t n = in.array_length(6).value_or(0);
  for (int32_t i = 0; i < n && in.ok(); ++i) {
    JoinProtocol p;
    p.name = std::string(in.string());
    p.metadata = std::string(in.nullable_bytes().value_or(""));
    req.protocols.push_back(std::move(p));
  }
  OS_RETURN_IF_ERROR(in.status());
  return req;
}

std::string encode_join_group_response(int16_t version, const JoinGroupResponse& r) {
  Writer out;
  if (version >= 2) out.i32(0);  // throttle_time_ms
  out.i16(r.error_code);
  out.i32(r.generation_id);
  out.string(r.protocol_name);
  out.string(r.leader);
  out.string(r.member_id);
  out.array_length(static_cast<int32_t>(r.members.size()));
  for (const JoinMember& m : r.members) {
    out.string(m.member_id);
    if (version >= 5) out.nullable_string(std::nullopt);  // group_instance_id
    out.nullable_bytes(std::string_view(m.metadata));
  }
  return out.take();
}

Result<SyncGroupRequest> parse_sync_group_request(int16_t version, std::string_view body) {
  Reader in(body);
  SyncGroupRequest req;
  req.group_id = std::string(in.string());
  req.generation_id = in.i32();
  req.member_id = std::string(in.string());
  if (version >= 3) (void)in.nullable_string();  // group_instance_id
  int32_t n = in.array_length(6).value_or(0);
  for (int32_t i = 0; i < n && in.ok(); ++i) {
    std::string member(in.string());
    req.assignments.emplace_back(std::move(member), std::string(in.nullable_bytes().value_or("")));
  }
  OS_RETURN_IF_ERROR(in.status());
  return req;
}

std::string encode_sync_group_response(int16_t version, int16_t error_code, std::string_view assignment) {
  Writer out;
  if (version >= 1) out.i32(0);  // throttle_time_ms
  out.i16(error_code);
  out.nullable_bytes(assignment);
  return out.take();
}

Result<HeartbeatRequest> parse_heartbeat_request(int16_t version, std::string_view body) {
  Reader in(body);
  HeartbeatRequest req;
  req.group_id = std::string(in.string());
  req.generation_id = in.i32();
  req.member_id = std::string(in.string());
  if (version >= 3) (void)in.nullable_string();  // group_instance_id
  OS_RETURN_IF_ERROR(in.status());
  return req;
}

std::string encode_error_response(int16_t version, int16_t error_code) {
  Writer out;
  if (version >= 1) out.i32(0);  // throttle_time_ms
  out.i16(error_code);
  return out.take();
}

Result<LeaveGroupRequest> parse_leave_group_request(int16_t version, std::string_view body) {
  Reader in(body);
  LeaveGroupRequest req;
  req.group_id = std::string(in.string());
  if (version < 3) {
    req.member_ids.emplace_back(in.string());
  } else {
    int32_t n = in.array_length(4).value_or(0);
    for (int32_t i = 0; i < n && in.ok(); ++i) {
      req.member_ids.emplace_back(in.string());
      (void)in.nullable_string();  // group_instance_id
    }
  }
  OS_RETURN_IF_ERROR(in.status());
  return req;
}

std::string encode_leave_group_response(int16_t version, int16_t error_code, const std::vector<std::string>& members) {
  Writer out;
  if (version >= 1) out.i32(0);  // throttle_time_ms
  out.i16(error_code);
  if (version >= 3) {
    out.array_length(static_cast<int32_t>(members.size()));
    for (const std::string& m : members) {
      out.string(m);
      out.nullable_string(std::nullopt);
      out.i16(0);
    }
  }
  return out.take();
}

}  // namespace orderstream::kafka
