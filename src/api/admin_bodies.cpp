#include "api/admin_bodies.h"

#include "http/response.h"

namespace orderstream::api::admin {

namespace {

int8_t base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') return static_cast<int8_t>(c - 'A');
  if (c >= 'a' && c <= 'z') return static_cast<int8_t>(c - 'a' + 26);
  if (c >= '0' && c <= '9') return static_cast<int8_t>(c - '0' + 52);
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Standard padded base64 (RFC 4648 section 4), strictly: nothing but the alphabet, '=' only as
// the final padding.
Result<std::string> decode_base64(std::string_view in, const std::string& what) {
  auto bad = [&] { return invalid_argument(what + " must be padded base64"); };
  if (in.size() % 4 != 0) return bad();
  size_t pad = 0;
  while (pad < 2 && pad < in.size() && in[in.size() - 1 - pad] == '=') ++pad;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  uint32_t acc = 0;
  for (size_t i = 0; i < in.size() - pad; ++i) {
    int8_t d = base64_digit(in[i]);
    if (d < 0) return bad();
    acc = (acc << 6) | static_cast<uint32_t>(d);
    if (i % 4 == 3) {
      out.push_back(static_cast<char>(acc >> 16));
      out.push_back(static_cast<char>(acc >> 8));
      out.push_back(static_cast<char>(acc));
      acc = 0;
    }
  }
  if (pad == 1) {  // 3 digits: 18 bits, 2 bytes
    acc <<= 6;
    out.push_back(static_cast<char>(acc >> 16));
    out.push_back(static_cast<char>(acc >> 8));
  } else if (pad == 2) {  // 2 digits: 12 bits, 1 byte
    acc <<= 12;
    out.push_back(static_cast<char>(acc >> 16));
  }
  return out;
}

// A base64 string, or null (nullopt).
Result<std::optional<std::string>> bytes_or_null(simdjson::dom::element e, const std::string& what) {
  if (e.is_null()) return std::optional<std::string>();
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return invalid_argument(what + " must be a base64 string or null");
  OS_ASSIGN_OR_RETURN(std::string bytes, decode_base64(s, what));
  return std::optional<std::string>(std::move(bytes));
}

Status parse_record(simdjson::dom::element e, const std::string& where, const log::TopicInfo& topic,
                    AdminRecord* out) {
  simdjson::dom::object rec;
  if (e.get_object().get(rec) != simdjson::SUCCESS) return invalid_argument(where + " must be an object");
  for (auto field : rec) {
    std::string f(field.key);
    if (f == "key") {
      OS_ASSIGN_OR_RETURN(out->key, bytes_or_null(field.value, where + ".key"));
    } else if (f == "value") {
      OS_ASSIGN_OR_RETURN(out->value, bytes_or_null(field.value, where + ".value"));
    } else if (f == "partition") {
      if (field.value.is_null()) continue;
      OS_ASSIGN_OR_RETURN(int64_t p, integer(field.value, where + ".partition"));
      OS_RETURN_IF_ERROR(check_partition(topic, p));
      out->partition = static_cast<int32_t>(p);
    } else if (f == "headers") {
      simdjson::dom::array headers;
      if (field.value.get_array().get(headers) != simdjson::SUCCESS)
        return invalid_argument(where + ".headers must be an array of [key, value] pairs");
      for (simdjson::dom::element h : headers) {
        std::string hw = where + ".headers[" + std::to_string(out->headers.size()) + "]";
        simdjson::dom::array pair;
        if (h.get_array().get(pair) != simdjson::SUCCESS || pair.size() != 2)
          return invalid_argument(hw + " must be a [key, value] pair");
        log::Header header;
        OS_ASSIGN_OR_RETURN(std::optional<std::string> k, bytes_or_null(pair.at(0).value_unsafe(), hw + " key"));
        if (!k) return invalid_argument(hw + " key must not be null");
        header.key = std::move(*k);
        OS_ASSIGN_OR_RETURN(header.value, bytes_or_null(pair.at(1).value_unsafe(), hw + " value"));
        out->headers.push_back(std::move(header));
      }
    } else {
      return invalid_argument(where + ": unknown field '" + f + "'");
    }
  }
  return Status::ok();
}

}  // namespace

// Parses `body` (empty counts as {}) into *obj, refusing fields not in `allowed`.
Status parse_body(simdjson::dom::parser& parser, const std::string& body,
                  std::initializer_list<std::string_view> allowed, simdjson::dom::object* obj) {
  simdjson::dom::element doc;
  if (auto err = parser.parse(body.empty() ? std::string("{}") : body).get(doc); err != simdjson::SUCCESS)
    return invalid_argument(std::string("malformed JSON: ") + simdjson::error_message(err));
  if (doc.get_object().get(*obj) != simdjson::SUCCESS) return invalid_argument("the body must be a JSON object");
  for (auto field : *obj)
    if (std::find(allowed.begin(), allowed.end(), field.key) == allowed.end())
      return invalid_argument("unknown field '" + std::string(field.key) + "'");
  return Status::ok();
}

Result<int64_t> integer(simdjson::dom::element e, const std::string& what) {
  int64_t v = 0;
  if (e.get_int64().get(v) != simdjson::SUCCESS) return invalid_argument(what + " must be an integer");
  return v;
}

// "configs": {"retention.ms":"-1", ...} (a value may also be a JSON integer) applied to *config
// with the log's own rules, as the CLI's --config KEY=VALUE are.
Status apply_configs(simdjson::dom::object obj, log::TopicConfig* config) {
  simdjson::dom::element e;
  if (obj["configs"].get(e) != simdjson::SUCCESS) return Status::ok();
  simdjson::dom::object configs;
  if (e.get_object().get(configs) != simdjson::SUCCESS) return invalid_argument("'configs' must be an object");
  for (auto [key, value] : configs) {
    std::string_view s;
    int64_t n = 0;
    std::string text;
    if (value.get_string().get(s) == simdjson::SUCCESS) text = std::string(s);
    else if (value.get_int64().get(n) == simdjson::SUCCESS) text = std::to_string(n);
    else return invalid_argument("config '" + std::string(key) + "' must be a string or an integer");
    OS_RETURN_IF_ERROR(log::apply_config(config, std::string(key) + "=" + text));
  }
  return Status::ok();
}

std::string topic_json(const log::TopicInfo& t) {
  std::string out = "{\"name\":" + json_quote(t.name) + ",\"partitions\":" + std::to_string(t.partitions) +
                    ",\"configs\":{";
  bool first = true;
  for (const auto& [k, v] : log::config_entries(t.config)) {
    out += std::string(first ? "" : ",") + json_quote(k) + ":" + json_quote(v);
    first = false;
  }
  return out + "}}";
}

// NotFound, with the CLI's message, unless `partition` is one of the topic's.
Status check_partition(const log::TopicInfo& info, int64_t partition) {
  if (partition < 0 || partition >= info.partitions)
    return not_found("partition " + std::to_string(partition) + " of topic '" + info.name +
                     "' does not exist (it has " + std::to_string(info.partitions) + " partitions)");
  return Status::ok();
}
Status parse_records(const std::string& body, const log::TopicInfo& topic, std::vector<AdminRecord>* out) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  OS_RETURN_IF_ERROR(parse_body(parser, body, {"records"}, &obj));
  simdjson::dom::array arr;
  if (obj["records"].get_array().get(arr) != simdjson::SUCCESS)
    return invalid_argument("field 'records' must be an array");
  if (arr.size() > kMaxRecordsPerRequest)
    return invalid_argument("'records' holds at most " + std::to_string(kMaxRecordsPerRequest) + " records");
  for (simdjson::dom::element e : arr) {
    AdminRecord rec;
    OS_RETURN_IF_ERROR(parse_record(e, "records[" + std::to_string(out->size()) + "]", topic, &rec));
    out->push_back(std::move(rec));
  }
  return Status::ok();
}
Status parse_offsets(const std::string& body, const log::Log& log, std::vector<GroupOffset>* out) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  OS_RETURN_IF_ERROR(parse_body(parser, body, {"offsets"}, &obj));
  simdjson::dom::array arr;
  if (obj["offsets"].get_array().get(arr) != simdjson::SUCCESS)
    return invalid_argument("field 'offsets' must be an array of {\"topic\",\"partition\",\"offset\"}");
  for (simdjson::dom::element e : arr) {
    std::string where = "offsets[" + std::to_string(out->size()) + "]";
    simdjson::dom::object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) return invalid_argument(where + " must be an object");
    std::string_view topic;
    simdjson::dom::element partition, offset;
    if (o["topic"].get_string().get(topic) != simdjson::SUCCESS)
      return invalid_argument(where + ".topic must be a string");
    if (o["partition"].get(partition) != simdjson::SUCCESS || o["offset"].get(offset) != simdjson::SUCCESS)
      return invalid_argument(where + " needs 'partition' and 'offset'");
    if (o.size() != 3) return invalid_argument(where + " has fields other than topic, partition and offset");
    OS_ASSIGN_OR_RETURN(int64_t p, integer(partition, where + ".partition"));
    OS_ASSIGN_OR_RETURN(int64_t off, integer(offset, where + ".offset"));
    if (off < 0) return invalid_argument(where + ".offset must be >= 0");
    OS_ASSIGN_OR_RETURN(log::TopicInfo info, log.topic(std::string(topic)));
    OS_RETURN_IF_ERROR(check_partition(info, p));
    out->push_back(GroupOffset{{info.name, PartitionId(static_cast<int32_t>(p))}, Offset(off)});
  }
  return Status::ok();
}
}  // namespace orderstream::api::admin
