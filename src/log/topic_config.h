// Topic names and configs with Kafka's keys and meanings. Value types and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orderstream::log {

enum class CleanupPolicy { kDelete, kCompact };
// Which time a record keeps: its producer's (CreateTime) or the log's when appended
// (LogAppendTime), Kafka's message.timestamp.type.
enum class TimestampType { kCreateTime, kLogAppendTime };

struct TopicConfig {
  CleanupPolicy cleanup_policy = CleanupPolicy::kDelete;
  int64_t retention_ms = 7LL * 24 * 3600 * 1000;  // -1 = keep forever (Kafka default: 7 days)
  int64_t retention_bytes = -1;                   // per partition; -1 = no limit
  int64_t delete_retention_ms = 24LL * 3600 * 1000;  // how long tombstones survive compaction
  TimestampType timestamp_type = TimestampType::kCreateTime;

  bool operator==(const TopicConfig&) const = default;
};

// Applies one "key=value" (Kafka's key names). InvalidArgument names the key and accepted values.
Status apply_config(TopicConfig* config, std::string_view key_equals_value);
// "cleanup.policy=delete,retention.ms=..." in a fixed key order; parse_config reads it back.
std::string format_config(const TopicConfig& config, char separator = ',');
Result<TopicConfig> parse_config(std::string_view text, char separator = ',');
// Key/value pairs in display order.
std::vector<std::pair<std::string, std::string>> config_entries(const TopicConfig& config);

// Kafka's rule: 1..249 chars of [a-zA-Z0-9._-], not "." or "..".
Status validate_topic_name(std::string_view name);

constexpr int32_t kMaxPartitions = 1024;

}  // namespace orderstream::log
