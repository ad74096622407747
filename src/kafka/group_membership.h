// The group membership APIs (Kafka's consumer group protocol): JoinGroup (key 11, versions 0-5),
// SyncGroup (14, 0-3), Heartbeat (12, 0-3), LeaveGroup (13, 0-3). Assignment is the clients'
// business: the coordinator only carries their protocols' metadata and assignments as bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orderstream::kafka {

struct JoinProtocol {
  std::string name;
  std::string metadata;
};

struct JoinGroupRequest {
  std::string group_id;
  int32_t session_timeout_ms = 10000;
  int32_t rebalance_timeout_ms = 10000;  // v1+; v0 uses the session timeout
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v5+; shown by DescribeGroups, not enforced
  std::string protocol_type;
  std::vector<JoinProtocol> protocols;
};
Result<JoinGroupRequest> parse_join_group_request(int16_t version, std::string_view body);

struct JoinMember {
  std::string member_id;
  std::string metadata;
};

struct JoinGroupResponse {
  int16_t error_code = 0;
  int32_t generation_id = -1;
  std::string protocol_name;
  std::string leader;
  std::string member_id;
  std::vector<JoinMember> members;  // the leader's answer only
};
std::string encode_join_group_response(int16_t version, const JoinGroupResponse& r);

struct SyncGroupRequest {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
  std::vector<std::pair<std::string, std::string>> assignments;  // member -> bytes (the leader's)
};
Result<SyncGroupRequest> parse_sync_group_request(int16_t version, std::string_view body);
std::string encode_sync_group_response(int16_t version, int16_t error_code, std::string_view assignment);

struct HeartbeatRequest {
  std::string group_id;
  int32_t generation_id = -1;
  std::string member_id;
};
Result<HeartbeatRequest> parse_heartbeat_request(int16_t version, std::string_view body);
// Heartbeat's answer, and LeaveGroup's before v3: (throttle,) error_code.
std::string encode_error_response(int16_t version, int16_t error_code);

struct LeaveGroupRequest {
  std::string group_id;
  std::vector<std::string> member_ids;  // one before v3
};
Result<LeaveGroupRequest> parse_leave_group_request(int16_t version, std::string_view body);
std::string encode_leave_group_response(int16_t version, int16_t error_code, const std::vector<std::string>& members);

}  // namespace orderstream::kafka
