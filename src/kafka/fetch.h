// Fetch (key 1), versions 4-11. Fetch sessions (v7+, KIP-227) are declined: the answer's
// session id is 0, so clients keep sending full fetches, which Kafka allows.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orderstream::kafka {

struct FetchPartition {
  int32_t index = 0;
  int64_t fetch_offset = 0;
  int32_t max_bytes = 0;
};

struct FetchTopic {
  std::string name;
  std::vector<FetchPartition> partitions;
};

struct FetchRequest {
  int32_t max_wait_ms = 0;
  int32_t min_bytes = 0;
  int32_t max_bytes = 0x7fffffff;
  int8_t isolation_level = 0;
  std::vector<FetchTopic> topics;
};

// REQUIRES: 4 <= version <= 11.
Result<FetchRequest> parse_fetch_request(int16_t version, std::string_view body);

struct FetchPartitionResult {
  int32_t index = 0;
  int16_t error_code = 0;
  int64_t high_watermark = -1;
  int64_t log_start_offset = -1;
  std::string records;  // record batches, possibly none
};

struct FetchTopicResult {
  std::string name;
  std::vector<FetchPartitionResult> partitions;
};

std::string encode_fetch_response(int16_t version, const std::vector<FetchTopicResult>& topics);

}  // namespace orderstream::kafka
