// The admin API's request bodies (http/admin_routes.cpp): strict parsing, each error an
// InvalidArgument (400) naming what is wrong. Keys, values and header bytes travel in padded
// base64 (RFC 4648), null allowed but for header keys. Pure functions; thread-safe.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/api.h"  // the log types, as every route file has them

namespace orderstream::api::admin {

inline constexpr size_t kMaxRecordsPerRequest = 10000;  // the CLI's produce batch

// Parses `body` (empty counts as {}) into *obj, refusing fields not in `allowed`.
Status parse_body(simdjson::dom::parser& parser, const std::string& body,
                  std::initializer_list<std::string_view> allowed, simdjson::dom::object* obj);
Result<int64_t> integer(simdjson::dom::element e, const std::string& what);
// "configs": {"retention.ms":"-1", ...} (a value may also be a JSON integer) applied to *config
// with the log's own rules, as the CLI's --config KEY=VALUE are.
Status apply_configs(simdjson::dom::object obj, log::TopicConfig* config);
// {"name","partitions","configs":{k:v}}
std::string topic_json(const log::TopicInfo& t);
// NotFound, with the CLI's message, unless `partition` is one of the topic's.
Status check_partition(const log::TopicInfo& info, int64_t partition);

struct AdminRecord {
  std::optional<std::string> key, value;
  std::vector<log::Header> headers;
  std::optional<int32_t> partition;  // nullopt: murmur2 of the key, or round robin
};

// {"records":[{"key","value","headers":[[k,v]],"partition"}]}, at most kMaxRecordsPerRequest.
Status parse_records(const std::string& body, const log::TopicInfo& topic, std::vector<AdminRecord>* out);

struct GroupOffset {
  log::TopicPartition tp;
  Offset offset;
};

// {"offsets":[{"topic","partition","offset"}]}: each topic and partition must exist.
Status parse_offsets(const std::string& body, const log::Log& log, std::vector<GroupOffset>* out);

}  // namespace orderstream::api::admin
