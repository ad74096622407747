// DescribeGroups (key 15), versions 0-4: a group's state, protocol and members, as Kafka's
// coordinator reports them (an unknown group is "Dead" with no error). Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orderstream::kafka {

struct DescribeGroupsRequest {
  std::vector<std::string> groups;
  bool include_authorized_operations = false;  // v3+
};

// REQUIRES: 0 <= version <= 4.
Result<DescribeGroupsRequest> parse_describe_groups_request(int16_t version, std::string_view body);

// Kafka's group state names.
inline constexpr std::string_view kGroupEmpty = "Empty";
inline constexpr std::string_view kGroupPreparingRebalance = "PreparingRebalance";
inline constexpr std::string_view kGroupCompletingRebalance = "CompletingRebalance";
inline constexpr std::string_view kGroupStable = "Stable";
inline constexpr std::string_view kGroupDead = "Dead";

// Kafka's "not requested" value of authorized_operations (INT32_MIN).
inline constexpr int32_t kAuthorizedOperationsOmitted = INT32_MIN;

struct DescribedMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;  // v4+
  std::string client_id;
  std::string client_host;
  std::string metadata;    // of the chosen protocol; Kafka fills it only while Stable
  std::string assignment;  // likewise
};

struct DescribedGroup {
  int16_t error_code = 0;
  std::string group_id;
  std::string state{kGroupDead};
  std::string protocol_type;
  std::string protocol_data;  // the chosen protocol's name, while Stable
  std::vector<DescribedMember> members;
  int32_t authorized_operations = kAuthorizedOperationsOmitted;  // v3+
};

std::string encode_describe_groups_response(int16_t version, const std::vector<DescribedGroup>& groups);

}  // namespace orderstream::kafka
