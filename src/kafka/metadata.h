// Metadata (key 3), versions 0-4: which topics and partitions exist and which broker leads them.
// This broker is the whole cluster: node 0 leads every partition, its only replica.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace orderstream::kafka {

struct MetadataRequest {
  std::optional<std::vector<std::string>> topics;  // nullopt: every topic
  bool allow_auto_topic_creation = true;           // v4; earlier versions always allow it
};

// REQUIRES: 0 <= version <= 4.
Result<MetadataRequest> parse_metadata_request(int16_t version, std::string_view body);

struct TopicMetadata {
  int16_t error_code = 0;
  std::string name;
  bool is_internal = false;
  int32_t partitions = 0;  // each led by node 0
};

struct MetadataResponse {
  std::string host;  // the advertised listener
  int32_t port = 0;
  std::string cluster_id;
  std::vector<TopicMetadata> topics;
};

std::string encode_metadata_response(int16_t version, const MetadataResponse& r);

}  // namespace orderstream::kafka
