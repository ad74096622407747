// DescribeConfigs (key 32), versions 0-2: the configs of topics (resource type 2) and brokers
// (4), each entry with where its value comes from. v0 says is_default; v1+ say config_source
// and, when asked, the synonyms (the entry's value, then the default it overrides). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orderstream::kafka {

// Kafka's resource types.
inline constexpr int8_t kResourceTopic = 2;
inline constexpr int8_t kResourceBroker = 4;

// Kafka's ConfigSource values.
namespace config_source {
inline constexpr int8_t kTopicConfig = 1;  // DYNAMIC_TOPIC_CONFIG: set on the topic
inline constexpr int8_t kStaticBrokerConfig = 4;
inline constexpr int8_t kDefaultConfig = 5;
}  // namespace config_source

struct DescribeConfigsResource {
  int8_t resource_type = 0;
  std::string resource_name;
  std::optional<std::vector<std::string>> configuration_keys;  // nullopt: every config
};

struct DescribeConfigsRequest {
  std::vector<DescribeConfigsResource> resources;
  bool include_synonyms = false;  // v1+
};

// REQUIRES: 0 <= version <= 2.
Result<DescribeConfigsRequest> parse_describe_configs_request(int16_t version, std::string_view body);

struct ConfigSynonym {
  std::string name;
  std::optional<std::string> value;
  int8_t source = config_source::kDefaultConfig;
};

struct ConfigEntry {
  std::string name;
  std::optional<std::string> value;
  bool read_only = false;
  int8_t source = config_source::kDefaultConfig;  // v0 sends is_default = (source == default)
  bool is_sensitive = false;
  std::vector<ConfigSynonym> synonyms;  // v1+
};

struct DescribeConfigsResult {
  int16_t error_code = 0;
  std::optional<std::string> error_message;
  int8_t resource_type = 0;
  std::string resource_name;
  std::vector<ConfigEntry> configs;
};

std::string encode_describe_configs_response(int16_t version, const std::vector<DescribeConfigsResult>& results);

}  // namespace orderstream::kafka
