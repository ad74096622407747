// The APIs of committed offsets: FindCoordinator (key 10, versions 0-2; this broker coordinates
// every group), OffsetCommit (key 8, versions 0-7) and OffsetFetch (key 9, versions 1-5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orderstream::kafka {

// FindCoordinator: the answer names this broker (node 0) for any key.
std::string encode_find_coordinator_response(int16_t version, const std::string& host, int32_t port);

struct OffsetCommitPartition {
  int32_t index = 0;
  int64_t offset = 0;  // the next offset to read, as the log keeps it
};

struct OffsetCommitTopic {
  std::string name;
  std::vector<OffsetCommitPartition> partitions;
};

struct OffsetCommitRequest {
  std::string group_id;
  int32_t generation_id = -1;  // -1 with an empty member: a commit outside a group protocol
  std::string member_id;
  std::vector<OffsetCommitTopic> topics;
};

// REQUIRES: 0 <= version <= 7.
Result<OffsetCommitRequest> parse_offset_commit_request(int16_t version, std::string_view body);

struct PartitionError {
  int32_t index = 0;
  int16_t error_code = 0;
};

struct TopicErrors {
  std::string name;
  std::vector<PartitionError> partitions;
};

std::string encode_offset_commit_response(int16_t version, const std::vector<TopicErrors>& topics);

struct OffsetFetchRequest {
  std::string group_id;
  // nullopt: every topic the group has offsets for (v2+).
  std::optional<std::vector<std::pair<std::string, std::vector<int32_t>>>> topics;
};

// REQUIRES: 1 <= version <= 5.
Result<OffsetFetchRequest> parse_offset_fetch_request(int16_t version, std::string_view body);

struct FetchedOffset {
  int32_t index = 0;
  int64_t offset = -1;  // -1: none committed
  int16_t error_code = 0;
};

struct FetchedOffsets {
  std::string name;
  std::vector<FetchedOffset> partitions;
};

std::string encode_offset_fetch_response(int16_t version, const std::vector<FetchedOffsets>& topics, int16_t error_code);

}  // namespace orderstream::kafka
