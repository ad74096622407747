// DescribeConfigs for topics and this broker, and the Kafka config names CreateTopics accepts:
// a topic's configs are what the log stores (log/topic_config.h: cleanup.policy, retention.ms,
// retention.bytes, delete.retention.ms, message.timestamp.type). The log keeps values, not
// whether a value was set: one equal to the default is reported as the default. Nothing here is
// alterable over Kafka (no AlterConfigs); the admin API and the CLI alter them.
#include <algorithm>

#include "api/kafka_broker.h"
#include "kafka/describe_configs.h"
#include "log/topic_config.h"

namespace orderstream::api {

namespace {

namespace kerr = kafka::errors;
namespace source = kafka::config_source;

// The broker-wide key whose default a topic config overrides (Kafka's synonym).
std::string broker_key(const std::string& topic_key) {
  if (topic_key == "delete.retention.ms") return "log.cleaner.delete.retention.ms";
  return "log." + topic_key;
}

// (name, value, default value, read only) of every config a topic has.
struct TopicConfigRow {
  std::string name, value, fallback;
  bool read_only = false;
};

std::vector<TopicConfigRow> topic_config_rows(const log::TopicConfig& config) {
  std::vector<TopicConfigRow> rows;
  auto values = log::config_entries(config), defaults = log::config_entries(log::TopicConfig{});
  for (size_t i = 0; i < values.size(); ++i) rows.push_back({values[i].first, values[i].second, defaults[i].second});
  return rows;
}

bool wanted(const kafka::DescribeConfigsResource& r, const std::string& name) {
  return !r.configuration_keys ||
         std::find(r.configuration_keys->begin(), r.configuration_keys->end(), name) != r.configuration_keys->end();
}

void describe_topic(const KafkaContext& ctx, const kafka::DescribeConfigsResource& r, bool synonyms,
                    kafka::DescribeConfigsResult* out) {
  if (Status st = log::validate_topic_name(r.resource_name); !st.is_ok()) {
    out->error_code = kerr::kInvalidTopicException;
    out->error_message = st.message();
    return;
  }
  auto info = ctx.base->log->topic(r.resource_name);
  if (!info.ok()) {
    out->error_code = kerr::kUnknownTopicOrPartition;
    out->error_message = "Topic '" + r.resource_name + "' does not exist.";
    return;
  }
  for (const TopicConfigRow& row : topic_config_rows(info->config)) {
    if (!wanted(r, row.name)) continue;
    kafka::ConfigEntry& e = out->configs.emplace_back();
    e.name = row.name;
    e.value = row.value;
    e.read_only = row.read_only;
    e.source = row.value == row.fallback ? source::kDefaultConfig : source::kTopicConfig;
    if (!synonyms) continue;
    // Kafka's order: the value in effect first, then what it overrides.
    if (e.source == source::kTopicConfig) e.synonyms.push_back({row.name, row.value, source::kTopicConfig});
    e.synonyms.push_back({broker_key(row.name), row.fallback, source::kDefaultConfig});
  }
}

// This broker's few settings a client may want (none alterable): the topic defaults and what
// `serve`'s flags set.
void describe_broker(const KafkaContext& ctx, const kafka::DescribeConfigsResource& r, bool synonyms,
                     kafka::DescribeConfigsResult* out) {
  if (!r.resource_name.empty() && r.resource_name != "0") {
    out->error_code = kerr::kInvalidRequest;
    out->error_message = "this is broker 0, not '" + r.resource_name + "'";
    return;
  }
  std::vector<std::pair<std::string, std::string>> rows{
      {"num.partitions", std::to_string(ctx.default_partitions)},
      {"auto.create.topics.enable", ctx.auto_create_topics ? "true" : "false"},
      {"default.replication.factor", "1"},
  };
  for (const TopicConfigRow& row : topic_config_rows(log::TopicConfig{})) rows.emplace_back(broker_key(row.name), row.value);
  for (auto& [name, value] : rows) {
    if (!wanted(r, name)) continue;
    bool from_flags = name == "num.partitions" || name == "auto.create.topics.enable";
    int8_t src = from_flags ? source::kStaticBrokerConfig : source::kDefaultConfig;
    kafka::ConfigEntry& e = out->configs.emplace_back();
    e.name = name;
    e.value = value;
    e.read_only = true;
    e.source = src;
    if (synonyms) e.synonyms.push_back({name, value, src});
  }
}

}  // namespace

Status apply_kafka_topic_config(log::TopicConfig* config, const std::string& name,
                                const std::optional<std::string>& value) {
  if (!value) return Status::ok();  // Kafka's null value: keep the default
  return log::apply_config(config, name + "=" + *value);  // unknown keys and bad values: its message
}

void kafka_describe_configs(const std::shared_ptr<KafkaContext>& ctx, const kafka::RequestHeader& h,
                            kafka::Reply reply) {
  auto req = kafka::parse_describe_configs_request(h.api_version, h.body);
  if (!req.ok()) return;  // a malformed request closes the connection
  // v0 has no synonyms at all.
  bool synonyms = h.api_version >= 1 && req->include_synonyms;
  std::vector<kafka::DescribeConfigsResult> out;
  for (const kafka::DescribeConfigsResource& r : req->resources) {
    kafka::DescribeConfigsResult& res = out.emplace_back();
    res.resource_type = r.resource_type;
    res.resource_name = r.resource_name;
    if (r.resource_type == kafka::kResourceTopic) {
      describe_topic(*ctx, r, synonyms, &res);
    } else if (r.resource_type == kafka::kResourceBroker) {
      describe_broker(*ctx, r, synonyms, &res);
    } else {
      res.error_code = kerr::kInvalidRequest;
      res.error_message = "resource type " + std::to_string(r.resource_type) + " is not described here (topics: 2, broker: 4)";
    }
  }
  reply(kafka::encode_describe_configs_response(h.api_version, out));
}

}  // namespace orderstream::api
