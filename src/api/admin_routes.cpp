// The CLI's admin API: what a writing CLI command does while `orderstream serve` holds the data
// directory (cli/server_client.h), as Kafka's tools ask the broker. JSON bodies; errors are
// {"code","message"} like the rest of the API; a write to what the running ecosystem owns
// (TopicsContext::owns) is 403 {"code":"PermissionDenied"} and writes nothing.
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

#include "api/admin_bodies.h"
#include "api/api.h"

namespace orderstream::api {

namespace bhttp = boost::beast::http;

namespace {

using namespace admin;

Response forbidden(const std::string& message) {
  return error_response(bhttp::status::forbidden, "PermissionDenied", message);
}


// --- running on the writer's thread

// Runs `op` on the group writer's thread once the writes queued before it are durable, and
// answers with what it returns. Busy (503) when the write queue is full.
void run_on_writer(const TopicsContext& ctx, const Responder& res, std::function<Response()> op) {
  Status st = ctx.base->writer->submit(
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

// Submits `write` to the group writer and answers 200 with body() once it is durable, or with
// the error (also when the queue is full).
void write_then_answer(const TopicsContext& ctx, const Responder& res, log::GroupWriter::WriteFn write,
                       std::function<std::string()> body) {
  auto done = [res, body = std::move(body)](const Status& st) {
    if (!st.is_ok()) return res.send(status_response(st));
    res.send(json_response(bhttp::status::ok, body()));
  };
  if (Status st = ctx.base->writer->submit(std::move(write), std::move(done)); !st.is_ok())
    res.send(status_response(st));
}

// --- handlers

void get_server(const TopicsContext& ctx, const Responder& res) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::canonical(ctx.base->log->options().dir, ec);
  if (ec) dir = std::filesystem::absolute(ctx.base->log->options().dir, ec);
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

void create_topic(const std::shared_ptr<const TopicsContext>& ctx, RouteRequest&& r, const Responder& res) {
  log::TopicInfo t;
  if (Status st = parse_create(r.req.body(), &t); !st.is_ok()) return res.send(status_response(st));
  // "__" names and the ecosystem's and queries' topics are created only by their owners, as
  // Kafka's CreateTopics here refuses them too.
  if (auto refusal = ctx->owns.topic_refusal(t.name)) return res.send(forbidden(*refusal));
  run_on_writer(*ctx, res, [ctx, t] {
    Status st = ctx->base->log->create_topic(t.name, t.partitions, t.config);
    if (st.is_ok()) st = ctx->base->log->sync();  // as durable as the CLI's own path makes it
    if (!st.is_ok()) return status_response(st);  // Conflict (409) if it exists
    return json_response(bhttp::status::created, topic_json(t));
  });
}

void alter_topic(const std::shared_ptr<const TopicsContext>& ctx, RouteRequest&& r, const Responder& res) {
  std::string name = r.params.at("topic");
  // Keys and values are checked here, the change itself on the writer thread against the
  // config current there.
  auto body = std::make_shared<std::string>(std::move(r.req.body()));
  {
    simdjson::dom::parser parser;
    simdjson::dom::object obj;
    log::TopicConfig scratch;
    Status st = ctx->base->log->topic(name).status();  // first, as the CLI's direct path does
    if (st.is_ok()) st = parse_body(parser, *body, {"configs"}, &obj);
    if (st.is_ok()) st = apply_configs(obj, &scratch);
    if (!st.is_ok()) return res.send(status_response(st));
  }
  run_on_writer(*ctx, res, [ctx, name, body] {
    simdjson::dom::parser parser;
    simdjson::dom::object obj;
    auto t = ctx->base->log->topic(name);
    Status st = t.status();
    if (st.is_ok()) st = parse_body(parser, *body, {"configs"}, &obj);
    if (st.is_ok()) st = apply_configs(obj, &t->config);
    if (st.is_ok()) st = ctx->base->log->alter_topic(name, t->config);
    if (st.is_ok()) st = ctx->base->log->sync();
    if (!st.is_ok()) return status_response(st);
    return json_response(bhttp::status::ok, topic_json(*t));
  });
}

void delete_topic(const std::shared_ptr<const TopicsContext>& ctx, RouteRequest&& r, const Responder& res) {
  std::string name = r.params.at("topic");
  if (Status st = ctx->base->log->topic(name).status(); !st.is_ok()) return res.send(status_response(st));
  if (auto refusal = ctx->owns.topic_refusal(name)) return res.send(forbidden(*refusal));
  run_on_writer(*ctx, res, [ctx, name] {
    Status st = ctx->base->log->delete_topic(name);  // drops every group's offsets for it too
    if (st.is_ok()) st = ctx->base->log->sync();
    if (!st.is_ok()) return status_response(st);
    return json_response(bhttp::status::ok, "{\"name\":" + json_quote(name) + "}");
  });
}


void produce(const std::shared_ptr<const TopicsContext>& ctx, RouteRequest&& r, const Responder& res) {
  const std::string topic = r.params.at("topic");
  auto info = ctx->base->log->topic(topic);
  if (!info.ok()) return res.send(status_response(info.status()));
  if (auto refusal = ctx->owns.topic_refusal(topic)) return res.send(forbidden(*refusal));
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
  write_then_answer(*ctx, res, write, [offsets] {
    std::string body = "{\"offsets\":[";
    for (size_t i = 0; i < offsets->size(); ++i)
      body += std::string(i ? "," : "") + "{\"partition\":" + std::to_string((*offsets)[i].first) +
              ",\"offset\":" + std::to_string((*offsets)[i].second) + "}";
    return body + "]}";
  });
}


void commit_offsets(const std::shared_ptr<const TopicsContext>& ctx, RouteRequest&& r, const Responder& res) {
  const std::string group = r.params.at("group");
  if (auto refusal = ctx->owns.group_refusal(group)) return res.send(forbidden(*refusal));
  if (group.find('\0') != std::string::npos)
    return res.send(status_response(invalid_argument("group name must contain no NUL")));
  auto offsets = std::make_shared<std::vector<GroupOffset>>();
  if (Status st = parse_offsets(r.req.body(), *ctx->base->log, offsets.get()); !st.is_ok())
    return res.send(status_response(st));
  std::string body = "{\"committed\":" + std::to_string(offsets->size()) + "}";
  if (offsets->empty()) return res.send(json_response(bhttp::status::ok, body));
  auto write = [group, offsets](log::WriteTxn& txn) -> Status {
    for (const GroupOffset& o : *offsets) OS_RETURN_IF_ERROR(txn.commit_offset(group, o.tp, o.offset));
    return Status::ok();
  };
  write_then_answer(*ctx, res, write, [body] { return body; });
}

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void compact(const std::shared_ptr<const TopicsContext>& ctx, RouteRequest&& r, const Responder& res) {
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
  if (st.is_ok() && !topic.empty()) st = ctx->base->log->topic(topic).status();
  if (!st.is_ok()) return res.send(status_response(st));
  // Empty topic: every topic with cleanup.policy=compact, as the cleaner does.
  run_on_writer(*ctx, res, [ctx, topic] {
    auto stats = ctx->base->log->compact(topic, wall_ms());
    if (!stats.ok()) return status_response(stats.status());
    if (Status st = ctx->base->log->sync(); !st.is_ok()) return status_response(st);
    return json_response(bhttp::status::ok,
                         "{\"topic\":" + (topic.empty() ? std::string("null") : json_quote(topic)) +
                             ",\"recordsRemoved\":" + std::to_string(stats->records_removed) +
                             ",\"bytesRemoved\":" + std::to_string(stats->bytes_removed) +
                             ",\"tombstonesRemoved\":" + std::to_string(stats->tombstones_removed) + "}");
  });
}

}  // namespace

// REQUIRES: ctx->base (its log and writer) set before the server starts.
void add_admin_routes(Router& router, const std::shared_ptr<const TopicsContext>& ctx) {
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

}  // namespace orderstream::api
