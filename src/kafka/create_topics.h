// CreateTopics (key 19), versions 0-4: topics with partition counts, replication factors (or a
// manual assignment) and configs, each answered with its own error. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orderstream::kafka {

struct CreatableAssignment {
  int32_t partition_index = 0;
  std::vector<int32_t> broker_ids;
};

struct CreatableConfig {
  std::string name;
  std::optional<std::string> value;  // null: the default
};

struct CreatableTopic {
  std::string name;
  int32_t num_partitions = -1;      // -1: the server's default (or the assignment's count)
  int16_t replication_factor = -1;  // -1: the server's default
  std::vector<CreatableAssignment> assignments;
  std::vector<CreatableConfig> configs;
};

struct CreateTopicsRequest {
  std::vector<CreatableTopic> topics;
  int32_t timeout_ms = 60000;
  bool validate_only = false;  // v1+
};

// REQUIRES: 0 <= version <= 4.
Result<CreateTopicsRequest> parse_create_topics_request(int16_t version, std::string_view body);

struct TopicResult {
  std::string name;
  int16_t error_code = 0;
  std::optional<std::string> error_message;  // v1+
};

std::string encode_create_topics_response(int16_t version, const std::vector<TopicResult>& topics);

}  // namespace orderstream::kafka
