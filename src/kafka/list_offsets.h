// ListOffsets (key 2), versions 1-2: a partition's earliest (-2) or latest (-1) offset, or the
// first offset whose record's timestamp is at or after a time (offsetsForTimes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orderstream::kafka {

inline constexpr int64_t kLatestTimestamp = -1;
inline constexpr int64_t kEarliestTimestamp = -2;

struct ListOffsetsPartition {
  int32_t index = 0;
  int64_t timestamp = kLatestTimestamp;
};

struct ListOffsetsTopic {
  std::string name;
  std::vector<ListOffsetsPartition> partitions;
};

// REQUIRES: 1 <= version <= 2.
Result<std::vector<ListOffsetsTopic>> parse_list_offsets_request(int16_t version, std::string_view body);

struct ListOffsetsPartitionResult {
  int32_t index = 0;
  int16_t error_code = 0;
  int64_t timestamp = -1;
  int64_t offset = -1;
};

struct ListOffsetsTopicResult {
  std::string name;
  std::vector<ListOffsetsPartitionResult> partitions;
};

std::string encode_list_offsets_response(int16_t version, const std::vector<ListOffsetsTopicResult>& topics);

}  // namespace orderstream::kafka
