// Produce (key 0), versions 3-7 (record batch v2 only). v5 adds log_start_offset to the answer;
// v6 and v7 change only broker behaviour Kafka documents (throttling, ZStandard allowed).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orderstream::kafka {

struct ProducePartition {
  int32_t index = 0;
  std::optional<std::string_view> records;  // the batches, a view into the request
};

struct ProduceTopic {
  std::string name;
  std::vector<ProducePartition> partitions;
};

struct ProduceRequest {
  std::optional<std::string> transactional_id;
  int16_t acks = -1;  // 0: no answer; 1 and -1 (all): answered once stored (and durable)
  int32_t timeout_ms = 0;
  std::vector<ProduceTopic> topics;
};

// REQUIRES: 3 <= version <= 7. The views stay valid while `body` does.
Result<ProduceRequest> parse_produce_request(int16_t version, std::string_view body);

struct ProducePartitionResult {
  int32_t index = 0;
  int16_t error_code = 0;
  int64_t base_offset = -1;
  int64_t log_append_time_ms = -1;
  int64_t log_start_offset = -1;
};

struct ProduceTopicResult {
  std::string name;
  std::vector<ProducePartitionResult> partitions;
};

std::string encode_produce_response(int16_t version, const std::vector<ProduceTopicResult>& topics);

}  // namespace orderstream::kafka
