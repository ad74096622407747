// DeleteTopics (key 20), versions 0-3: topics by name, each answered with its own error (no
// message before the flexible v5). Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orderstream::kafka {

struct DeleteTopicsRequest {
  std::vector<std::string> topic_names;
  int32_t timeout_ms = 0;
};

// REQUIRES: 0 <= version <= 3.
Result<DeleteTopicsRequest> parse_delete_topics_request(int16_t version, std::string_view body);

struct DeletedTopic {
  std::string name;
  int16_t error_code = 0;
};

std::string encode_delete_topics_response(int16_t version, const std::vector<DeletedTopic>& topics);

}  // namespace orderstream::kafka
