// The CLI's admin API: what a writing CLI command does while `orderstream serve` holds the data
// directory (cli/server_client.h), as Kafka's tools ask the broker. JSON bodies; errors are
// {"code","message"} like the rest of the API; a write to what the running ecosystem owns
// (services/ownership.h) is 403 {"code":"PermissionDenied"} and writes nothing.
//   GET    /v1/admin/server                  {"pid","dataDir"}: which process serves which log
//   POST   /v1/admin/topics                  {"name","partitions","configs":{k:v}} -> 201 topic
//   POST   /v1/admin/topics/{topic}/configs  {"configs":{k:v}} -> 200 the topic, altered
//   DELETE /v1/admin/topics/{topic}          -> 200 (every group's offsets for it go too)
//   POST   /v1/admin/topics/{topic}/records  {"records":[{"key","value","headers":[[k,v]],
//                                            "partition"}]} (bytes base64, null allowed but for
//                                            header keys) -> 200 {"offsets":[{"partition","offset"}]}
//   POST   /v1/admin/groups/{group}/offsets  {"offsets":[{"topic","partition","offset"}]} -> 200
//   POST   /v1/admin/compact                 {"topic"?} -> 200 {"recordsRemoved",...}
// A topic is {"name","partitions","configs":{k:v}}. Empty "records" or "offsets" write nothing
// and answer 200 once the checks pass (the CLI asks so before it reads its input).
//
// Records and offsets are writes through the GroupWriter (one txn per request, answered once
// durable, like the REST Proxy's produce). Topic changes and compaction are Log calls that wait
// on the disk, so they run on the GroupWriter's thread too, from the completion of a write of
// nothing: never on an io thread, and `serve` joins that thread before it closes the log.
#include <simdjson.h>
#include <unistd.h>

#include <chrono>
#include <exception>
#include <filesystem>
#include <initializer_list>

#include "http/api.h"
#include "services/ownership.h"

namespace orderstream::http {

namespace bhttp = boost::beast::http;

namespace {

constexpr size_t kMaxRecordsPerRequest = 10000;  // the CLI's produce batch

Response forbidden(const std::string& message) {
  return error_response(bhttp::status::forbidden, "PermissionDenied", message);
}

// --- body parsing: InvalidArgument (400) names what is wrong.

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

// --- running on the writer's thread

// Runs `op` on the group writer's thread once the writes queued before it are durable, and
// answers with what it returns. Busy (503) when the write queue is full.
void run_on_writer(const ApiContext& ctx, const Responder& res, std::function<Response()> op) {
  Status st = ctx.orders->writer().submit(
      [](log::WriteTxn&) { return Status::ok(); },
      [res, op = std::move(op)](const Status& st) {
        if (!st.is_ok()) return res.send(status_response(st));
        // Nothing may escape the writer thread (std may throw bad_alloc).
        try {
          res.send(op());
        } catch (const std::exception& e) {
          res.send(error_response(bhttp::status::internal_server_error, "Internal", e.what()));
        }
      });
  if (!st.is_ok()) res.send(status_response(st));
}

// --- handlers

void get_server(const ApiContext& ctx, const Responder& res) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::canonical(ctx.log->options().dir, ec);
  if (ec) dir = std::filesystem::absolute(ctx.log->options().dir, ec);
  res.send(json_response(bhttp::status::ok, "{\"pid\":" + std::to_string(::getpid()) +
                                                ",\"dataDir\":" + json_quote(dir.string()) + "}"));
}

Status parse_create(const std::string& body, log::TopicInfo* t) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  OS_RETURN_IF_ERROR(parse_body(parser, body, {"name", "partitions", "configs"}, &obj));
  std::string_view name;
  if (obj["name"].get_string().get(name) != simdjson::SUCCESS)
    return invalid_argument("field 'name' must be a string");
  t->name = std::string(name);
  OS_RETURN_IF_ERROR(log::validate_topic_name(t->name));
  t->partitions = 1;
  simdjson::dom::element e;
  if (obj["partitions"].get(e) == simdjson::SUCCESS) {
    OS_ASSIGN_OR_RETURN(int64_t n, integer(e, "'partitions'"));
    if (n < 1 || n > log::kMaxPartitions)
      return invalid_argument("'partitions' must be 1.." + std::to_string(log::kMaxPartitions));
    t->partitions = static_cast<int32_t>(n);
  }
  return apply_configs(obj, &t->config);
}

void create_topic(const std::shared_ptr<ApiContext>& ctx, RouteRequest&& r, const Responder& res) {
  log::TopicInfo t;
  if (Status st = parse_create(r.req.body(), &t); !st.is_ok()) return res.send(status_response(st));
  run_on_writer(*ctx, res, [ctx, t] {
    Status st = ctx->log->create_topic(t.name, t.partitions, t.config);
    if (st.is_ok()) st = ctx->log->sync();  // as durable as the CLI's own path makes it
    if (!st.is_ok()) return status_response(st);  // Conflict (409) if it exists
    return json_response(bhttp::status::created, topic_json(t));
  });
}

void alter_topic(const std::shared_ptr<ApiContext>& ctx, RouteRequest&& r, const Responder& res) {
  std::string name = r.params.at("topic");
  // Keys and values are checked here, the change itself on the writer thread against the
  // config current there.
  auto body = std::make_shared<std::string>(std::move(r.req.body()));
  {
    simdjson::dom::parser parser;
    simdjson::dom::object obj;
    log::TopicConfig scratch;
    Status st = ctx->log->topic(name).status();  // first, as the CLI's direct path does
    if (st.is_ok()) st = parse_body(parser, *body, {"configs"}, &obj);
    if (st.is_ok()) st = apply_configs(obj, &scratch);
    if (!st.is_ok()) return res.send(status_response(st));
  }
  run_on_writer(*ctx, res, [ctx, name, body] {
    simdjson::dom::parser parser;
    simdjson::dom::object obj;
    auto t = ctx->log->topic(name);
    Status st = t.status();
    if (st.is_ok()) st = parse_body(parser, *body, {"configs"}, &obj);
    if (st.is_ok()) st = apply_configs(obj, &t->config);
    if (st.is_ok()) st = ctx->log->alter_topic(name, t->config);
    if (st.is_ok()) st = ctx->log->sync();
    if (!st.is_ok()) return status_response(st);
    return json_response(bhttp::status::ok, topic_json(*t));
  });
}

void delete_topic(const std::shared_ptr<ApiContext>& ctx, RouteRequest&& r, const Responder& res) {
  std::string name = r.params.at("topic");
  if (Status st = ctx->log->topic(name).status(); !st.is_ok()) return res.send(status_response(st));
  if (auto owner = services::topic_owner(name)) return res.send(forbidden(services::owned_topic_message(name, *owner)));
  run_on_writer(*ctx, res, [ctx, name] {
    Status st = ctx->log->delete_topic(name);  // drops every group's offsets for it too
    if (st.is_ok()) st = ctx->log->sync();
    if (!st.is_ok()) return status_response(st);
    return json_response(bhttp::status::ok, "{\"name\":" + json_quote(name) + "}");
  });
}

struct AdminRecord {
  std::optional<std::string> key, value;
  std::vector<log::Header> headers;
  std::optional<int32_t> partition;  // nullopt: murmur2 of the key, or round robin
};

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

void produce(const std::shared_ptr<ApiContext>& ctx, RouteRequest&& r, const Responder& res) {
  const std::string topic = r.params.at("topic");
  auto info = ctx->log->topic(topic);
  if (!info.ok()) return res.send(status_response(info.status()));
  if (auto owner = services::topic_owner(topic)) return res.send(forbidden(services::owned_topic_message(topic, *owner)));
  auto records = std::make_shared<std::vector<AdminRecord>>();
  if (Status st = parse_records(r.req.body(), *info, records.get()); !st.is_ok())
    return res.send(status_response(st));
  if (records->empty()) return res.send(json_response(bhttp::status::ok, "{\"offsets\":[]}"));
  auto offsets = std::make_shared<std::vector<std::pair<int32_t, int64_t>>>();
  // Partitioned as Log::append (the CLI's own path) does it: the pinned partition, else
  // murmur2 of the key, else round robin.
  auto write = [topic, records, offsets](log::WriteTxn& txn) -> Status {
    offsets->clear();  // the writer may run this more than once
    for (const AdminRecord& rec : *records) {
      PartitionId p(rec.partition.value_or(0));
      if (!rec.partition) {
        OS_ASSIGN_OR_RETURN(p, txn.partition_for(topic, rec.key ? std::optional<std::string_view>(*rec.key)
                                                                : std::nullopt));
      }
      log::RecordData data;
      if (rec.key) data.key = *rec.key;
      if (rec.value) data.value = *rec.value;
      data.headers = rec.headers;
      OS_ASSIGN_OR_RETURN(Offset o, txn.append({topic, p}, data));
      offsets->emplace_back(p.v, o.v);
    }
    return Status::ok();
  };
  auto done = [res, offsets](const Status& st) {
    if (!st.is_ok()) return res.send(status_response(st));
    std::string body = "{\"offsets\":[";
    for (size_t i = 0; i < offsets->size(); ++i)
      body += std::string(i ? "," : "") + "{\"partition\":" + std::to_string((*offsets)[i].first) +
              ",\"offset\":" + std::to_string((*offsets)[i].second) + "}";
    res.send(json_response(bhttp::status::ok, body + "]}"));
  };
  if (Status st = ctx->orders->writer().submit(write, done); !st.is_ok()) res.send(status_response(st));
}

struct GroupOffset {
  log::TopicPartition tp;
  Offset offset;
};

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

void commit_offsets(const std::shared_ptr<ApiContext>& ctx, RouteRequest&& r, const Responder& res) {
  const std::string group = r.params.at("group");
  if (auto owner = services::group_owner(group)) return res.send(forbidden(services::owned_group_message(group, *owner)));
  if (group.find('\0') != std::string::npos)
    return res.send(status_response(invalid_argument("group name must contain no NUL")));
  auto offsets = std::make_shared<std::vector<GroupOffset>>();
  if (Status st = parse_offsets(r.req.body(), *ctx->log, offsets.get()); !st.is_ok())
    return res.send(status_response(st));
  std::string body = "{\"committed\":" + std::to_string(offsets->size()) + "}";
  if (offsets->empty()) return res.send(json_response(bhttp::status::ok, body));
  auto write = [group, offsets](log::WriteTxn& txn) -> Status {
    for (const GroupOffset& o : *offsets) OS_RETURN_IF_ERROR(txn.commit_offset(group, o.tp, o.offset));
    return Status::ok();
  };
  auto done = [res, body](const Status& st) {
    if (!st.is_ok()) return res.send(status_response(st));
    res.send(json_response(bhttp::status::ok, body));
  };
  if (Status st = ctx->orders->writer().submit(write, done); !st.is_ok()) res.send(status_response(st));
}

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void compact(const std::shared_ptr<ApiContext>& ctx, RouteRequest&& r, const Responder& res) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  std::string topic;
  Status st = parse_body(parser, r.req.body(), {"topic"}, &obj);
  simdjson::dom::element e;
  if (st.is_ok() && obj["topic"].get(e) == simdjson::SUCCESS && !e.is_null()) {
    std::string_view t;
    if (e.get_string().get(t) != simdjson::SUCCESS) st = invalid_argument("field 'topic' must be a string");
    topic = std::string(t);
  }
  if (st.is_ok() && !topic.empty()) st = ctx->log->topic(topic).status();
  if (!st.is_ok()) return res.send(status_response(st));
  // Empty topic: every topic with cleanup.policy=compact, as the cleaner does.
  run_on_writer(*ctx, res, [ctx, topic] {
    auto stats = ctx->log->compact(topic, wall_ms());
    if (!stats.ok()) return status_response(stats.status());
    if (Status st = ctx->log->sync(); !st.is_ok()) return status_response(st);
    return json_response(bhttp::status::ok,
                         "{\"topic\":" + (topic.empty() ? std::string("null") : json_quote(topic)) +
                             ",\"recordsRemoved\":" + std::to_string(stats->records_removed) +
                             ",\"bytesRemoved\":" + std::to_string(stats->bytes_removed) +
                             ",\"tombstonesRemoved\":" + std::to_string(stats->tombstones_removed) + "}");
  });
}

}  // namespace

// REQUIRES: ctx->orders (its writer) and ctx->log set before the server starts.
void add_admin_routes(Router& router, const std::shared_ptr<ApiContext>& ctx) {
  router.add(bhttp::verb::get, "/v1/admin/server",
             [ctx](RouteRequest&&, Responder res) { get_server(*ctx, res); });
  router.add(bhttp::verb::post, "/v1/admin/topics",
             [ctx](RouteRequest&& r, Responder res) { create_topic(ctx, std::move(r), res); });
  router.add(bhttp::verb::post, "/v1/admin/topics/{topic}/configs",
             [ctx](RouteRequest&& r, Responder res) { alter_topic(ctx, std::move(r), res); });
  router.add(bhttp::verb::delete_, "/v1/admin/topics/{topic}",
             [ctx](RouteRequest&& r, Responder res) { delete_topic(ctx, std::move(r), res); });
  router.add(bhttp::verb::post, "/v1/admin/topics/{topic}/records",
             [ctx](RouteRequest&& r, Responder res) { produce(ctx, std::move(r), res); });
  router.add(bhttp::verb::post, "/v1/admin/groups/{group}/offsets",
             [ctx](RouteRequest&& r, Responder res) { commit_offsets(ctx, std::move(r), res); });
  router.add(bhttp::verb::post, "/v1/admin/compact",
             [ctx](RouteRequest&& r, Responder res) { compact(ctx, std::move(r), res); });
}

}  // namespace orderstream::http
