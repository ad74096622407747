#include "log/topic_config.h"

#include <charconv>

namespace orderstream::log {
namespace {

Result<int64_t> parse_int(std::string_view key, std::string_view v, int64_t min) {
  int64_t x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || x < min)
    return invalid_argument("config '" + std::string(key) + "' must be an integer >= " +
                            std::to_string(min) + ", got '" + std::string(v) + "'");
  return x;
}

}  // namespace

Status apply_config(TopicConfig* c, std::string_view kv) {
  size_t eq = kv.find('=');
  if (eq == std::string_view::npos)
    return invalid_argument("config must be KEY=VALUE, got '" + std::string(kv) + "'");
  std::string_view key = kv.substr(0, eq), v = kv.substr(eq + 1);
  if (key == "cleanup.policy") {
    if (v == "delete") c->cleanup_policy = CleanupPolicy::kDelete;
    else if (v == "compact") c->cleanup_policy = CleanupPolicy::kCompact;
    else return invalid_argument("cleanup.policy must be delete or compact, got '" + std::string(v) + "'");
    return Status::ok();
  }
  if (key == "message.timestamp.type") {
    if (v == "CreateTime") c->timestamp_type = TimestampType::kCreateTime;
    else if (v == "LogAppendTime") c->timestamp_type = TimestampType::kLogAppendTime;
    else return invalid_argument("message.timestamp.type must be CreateTime or LogAppendTime, got '" + std::string(v) + "'");
    return Status::ok();
  }
  int64_t* field = key == "retention.ms"          ? &c->retention_ms
                   : key == "retention.bytes"     ? &c->retention_bytes
                   : key == "delete.retention.ms" ? &c->delete_retention_ms
                                                  : nullptr;
  if (!field)
    return invalid_argument("unknown topic config '" + std::string(key) +
                            "' (known: cleanup.policy, retention.ms, retention.bytes, "
                            "delete.retention.ms, message.timestamp.type)");
  OS_ASSIGN_OR_RETURN(*field, parse_int(key, v, key == "delete.retention.ms" ? 0 : -1));
  return Status::ok();
}

std::vector<std::pair<std::string, std::string>> config_entries(const TopicConfig& c) {
  return {{"cleanup.policy", c.cleanup_policy == CleanupPolicy::kCompact ? "compact" : "delete"},
          {"retention.ms", std::to_string(c.retention_ms)},
          {"retention.bytes", std::to_string(c.retention_bytes)},
          {"delete.retention.ms", std::to_string(c.delete_retention_ms)},
          {"message.timestamp.type", c.timestamp_type == TimestampType::kLogAppendTime ? "LogAppendTime" : "CreateTime"}};
}

std::string format_config(const TopicConfig& c, char sep) {
  std::string out;
  for (const auto& [k, v] : config_entries(c)) {
    if (!out.empty()) out += sep;
    out += k + "=" + v;
  }
  return out;
}

Result<TopicConfig> parse_config(std::string_view text, char sep) {
  TopicConfig c;
  while (!text.empty()) {
    size_t end = text.find(sep);
    OS_RETURN_IF_ERROR(apply_config(&c, text.substr(0, end)));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return c;
}

Status validate_topic_name(std::string_view name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..")
    return invalid_argument("topic name must be 1..249 characters and not '.' or '..'");
  for (char ch : name) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-';
    if (!ok)
      return invalid_argument("topic name '" + std::string(name) +
                              "' may only contain letters, digits, '.', '_' and '-'");
  }
  return Status::ok();
}

}  // namespace orderstream::log
