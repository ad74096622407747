// Confluent REST Proxy v2 shapes (embedded JSON format) over the log, for clients in any language:
//   POST   /topics/{topic}                               produce (rest_proxy_produce.cpp)
//   POST   /consumers/{group}                            create a consumer instance
//   DELETE /consumers/{group}/instances/{i}              delete it
//   POST|GET|DELETE .../instances/{i}/subscription       subscribe, list, unsubscribe
//   GET    .../instances/{i}/assignments                 the partitions the group gave it
//   GET    .../instances/{i}/records?timeout=&max_bytes= fetch (long-poll up to timeout ms)
//   POST|GET .../instances/{i}/offsets                   commit (last consumed offsets, or all
//                                                        fetched when the body is empty), committed
// The instances of a group split the partitions of their topics (http/consumer_instances.h).
// Errors are {"error_code":..,"message":..}: 40401 unknown topic, 40402 unknown partition, 40403
// unknown instance, 40902 instance exists, 40301 a stream task's group (TopicsContext::owns), 400
// malformed JSON, 422 a body of the wrong shape.
// Key and value encoding: http/proxy_records.h.
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <mutex>
#include <optional>

#include "api/api.h"
#include "api/durable_answer.h"
#include "api/consumer_instances.h"
#include "api/log_poll.h"
#include "api/proxy_records.h"

namespace orderstream::api {

namespace bhttp = boost::beast::http;

namespace {

constexpr int kDefaultFetchTimeoutMs = 1000;  // the proxy's consumer.request.timeout.ms
constexpr size_t kDefaultMaxBytes = 1 << 20;
// A larger max_bytes is clamped to this, as the proxy's consumer.request.max.bytes (64 MB) does:
// one fetch never copies more of a topic than this into memory.
constexpr size_t kMaxFetchBytes = 64 << 20;
constexpr std::chrono::minutes kInstanceIdleTimeout{5};  // consumer.instance.timeout.ms

class ProxyContext {
 public:
  explicit ProxyContext(std::shared_ptr<const TopicsContext> a) : api(std::move(a)) {}
  // Made on first use: the wiring may set base->log only after the routes exist.
  ConsumerInstances& instances() {
    std::call_once(made_, [this] { instances_.emplace(*api->base->log, kInstanceIdleTimeout); });
    return *instances_;
  }

  const std::shared_ptr<const TopicsContext> api;

 private:
  std::once_flag made_;
  std::optional<ConsumerInstances> instances_;
};
using Ctx = std::shared_ptr<ProxyContext>;

void create_instance(const Ctx& ctx, RouteRequest&& r, Responder res) {
  static std::atomic<uint64_t> next_id{1};
  const std::string group = r.params.at("group");
  // A stream task's group: an instance in it would move the task's committed offsets.
  if (auto refusal = ctx->api->owns.group_refusal(group))
    return res.send(proxy_error(bhttp::status::forbidden, 40301, *refusal));
  if (size_t n = ctx->api->base->live_groups->kafka(group))
    return res.send(proxy_error(bhttp::status::conflict, 40900, group_held_message(group, n, "Kafka")));
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  std::string body = r.req.body().empty() ? "{}" : r.req.body();
  if (auto bad = parse_object(parser, body, &obj)) return res.send(std::move(*bad));
  auto str = [&](const char* field, std::string def) -> std::optional<std::string> {
    simdjson::dom::element e;
    if (obj[field].get(e) != simdjson::SUCCESS || e.is_null()) return def;
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
    return std::string(s);
  };
  auto name = str("name", "rest-consumer-" + std::to_string(next_id.fetch_add(1)));
  auto format = str("format", "json");
  auto reset = str("auto.offset.reset", "latest");
  auto commit = str("auto.commit.enable", "false");
  if (!name || !format || !reset || !commit)
    return res.send(unprocessable("name, format, auto.offset.reset and auto.commit.enable must be strings"));
  if (name->empty() || name->size() > 200) return res.send(unprocessable("name must have 1..200 characters"));
  if (*format != "json")
    return res.send(unprocessable("format '" + *format + "' is not supported (only \"json\")"));
  if (*reset != "earliest" && *reset != "latest")
    return res.send(unprocessable("auto.offset.reset must be \"earliest\" or \"latest\""));
  if (*commit != "true" && *commit != "false")
    return res.send(unprocessable("auto.commit.enable must be \"true\" or \"false\""));
  auto inst = ctx->instances().create(group, *name, *reset == "earliest", *commit == "true");
  if (!inst.ok()) return res.send(proxy_error(bhttp::status::conflict, 40902, inst.status().message()));
  std::string host(r.req[bhttp::field::host]);
  std::string base = "http://" + (host.empty() ? std::string("localhost") : host) + "/consumers/" +
                     url_encode_segment(group) + "/instances/" + url_encode_segment(*name);
  res.send(proxy_json(bhttp::status::ok,
                      "{\"instance_id\":" + json_quote(*name) + ",\"base_uri\":" + json_quote(base) + "}"));
}

Response instance_not_found(const std::string& group, const std::string& name) {
  return proxy_error(bhttp::status::not_found, 40403,
                     "consumer instance '" + name + "' not found in group '" + group + "' (it may have expired)");
}

// The instance named by the path, or nullptr after answering 404.
std::shared_ptr<ConsumerInstance> instance_or_404(const Ctx& ctx, const RouteRequest& r, const Responder& res) {
  auto inst = ctx->instances().find(r.params.at("group"), r.params.at("instance"));
  if (!inst) res.send(instance_not_found(r.params.at("group"), r.params.at("instance")));
  return inst;
}

// Brings the group's assignment up to date before inst reads it (ConsumerInstances::refresh):
// cheap, so it runs before every fetch. The response to send when that fails.
std::optional<Response> refresh_error(const Ctx& ctx, const ConsumerInstance& inst) {
  Status st = ctx->instances().refresh(inst);
  if (st.code() == StatusCode::kNotFound) return instance_not_found(inst.group(), inst.name());
  if (!st.is_ok()) return proxy_status_error(st);
  return std::nullopt;
}

// Answers a membership change (subscribe, unsubscribe, delete): 204, or the rebalance's error.
void answer_membership(const Status& st, const Responder& res) {
  res.send(st.is_ok() ? proxy_json(bhttp::status::no_content, "") : proxy_status_error(st));
}

void delete_instance(const Ctx& ctx, RouteRequest&& r, Responder res) {
  Status st = ctx->instances().remove(r.params.at("group"), r.params.at("instance"));
  if (st.code() == StatusCode::kNotFound) return res.send(instance_not_found(r.params.at("group"), r.params.at("instance")));
  answer_membership(st, res);
}

void subscribe(const Ctx& ctx, RouteRequest&& r, Responder res) {
  auto inst = instance_or_404(ctx, r, res);
  if (!inst) return;
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (auto bad = parse_object(parser, r.req.body(), &obj)) return res.send(std::move(*bad));
  simdjson::dom::array arr;
  if (obj["topics"].get_array().get(arr) != simdjson::SUCCESS || arr.size() == 0)
    return res.send(unprocessable("field 'topics' must be a non-empty array of topic names"));
  std::vector<std::string> topics;
  for (simdjson::dom::element e : arr) {
    std::string_view t;
    if (e.get_string().get(t) != simdjson::SUCCESS) return res.send(unprocessable("topic names must be strings"));
    topics.emplace_back(t);
  }
  Status st = ctx->instances().subscribe(*inst, topics);
  if (st.code() == StatusCode::kNotFound) return res.send(proxy_error(bhttp::status::not_found, 40401, st.message()));
  answer_membership(st, res);
}

void get_subscription(const Ctx& ctx, RouteRequest&& r, Responder res) {
  auto inst = instance_or_404(ctx, r, res);
  if (!inst) return;
  std::string body = "{\"topics\":[";
  auto topics = inst->topics();
  for (size_t i = 0; i < topics.size(); ++i) body += (i ? "," : "") + json_quote(topics[i]);
  res.send(proxy_json(bhttp::status::ok, body + "]}"));
}

void unsubscribe(const Ctx& ctx, RouteRequest&& r, Responder res) {
  auto inst = instance_or_404(ctx, r, res);
  if (!inst) return;
  answer_membership(ctx->instances().unsubscribe(*inst), res);
}

void get_assignments(const Ctx& ctx, RouteRequest&& r, Responder res) {
  auto inst = instance_or_404(ctx, r, res);
  if (!inst) return;
  if (auto bad = refresh_error(ctx, *inst)) return res.send(std::move(*bad));
  std::string body = "{\"partitions\":[";
  auto parts = inst->partitions();
  for (size_t i = 0; i < parts.size(); ++i)
    body += std::string(i ? "," : "") + "{\"topic\":" + json_quote(parts[i].first) +
            ",\"partition\":" + std::to_string(parts[i].second) + "}";
  res.send(proxy_json(bhttp::status::ok, body + "]}"));
}

void commit(const Ctx& ctx, const std::string& group, std::map<TpKey, int64_t> offsets,
            std::function<void(const Status&)> done) {
  commit_group_offsets(*ctx->api->base->writer, group, std::move(offsets), std::move(done));
}

Result<size_t> parse_size(const RouteRequest& r, const char* name, size_t def) {
  auto it = r.query.find(name);
  if (it == r.query.end()) return def;
  size_t v = 0;
  const std::string& s = it->second;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v == 0)
    return invalid_argument(std::string(name) + " must be a positive integer");
  return v;
}

void get_records(const Ctx& ctx, RouteRequest&& r, Responder res) {
  auto inst = instance_or_404(ctx, r, res);
  if (!inst) return;
  if (r.query.find("timeout") == r.query.end()) r.query["timeout"] = std::to_string(kDefaultFetchTimeoutMs);
  auto timeout = parse_timeout(r, *ctx->api->base);
  if (!timeout.ok()) return res.send(proxy_error(bhttp::status::bad_request, 400, timeout.status().message()));
  auto max_bytes = parse_size(r, "max_bytes", kDefaultMaxBytes);
  if (!max_bytes.ok()) return res.send(proxy_error(bhttp::status::bad_request, 400, max_bytes.status().message()));
  *max_bytes = std::min(*max_bytes, kMaxFetchBytes);
  const log::Log* log = ctx->api->base->log;
  auto answer = [ctx, inst, res](Fetched f) {
    Response rsp = proxy_json(bhttp::status::ok, std::move(f.json), kKafkaJsonV2);
    // Without auto-commit, held until durable; the commit's own acknowledgement (durable, and
    // after the commits this fetch read) covers the records otherwise.
    if (!inst->auto_commit() || f.count == 0) return send_durable(*ctx->api->base, res, std::move(rsp));
    // This fetch's own positions: what it delivers from a partition revoked since is committed
    // all the same (a new owner that read the commit before this one lands reads it again). If
    // the commit fails the records are not delivered, so the positions go back: the next fetch
    // returns them again (at-least-once, never a silent skip).
    auto fetched = std::make_shared<Fetched>(std::move(f));
    commit(ctx, inst->group(), fetched->positions,
           [res, inst, fetched, rsp = std::move(rsp)](const Status& st) mutable {
             if (st.is_ok()) return res.send(std::move(rsp));
             inst->rewind(*fetched);
             res.send(proxy_status_error(st));
           });
  };
  // Fetches; true when the request is answered (records, or an error).
  auto attempt = [ctx, inst, res, log, answer, max = *max_bytes]() -> bool {
    if (auto bad = refresh_error(ctx, *inst)) {
      res.send(std::move(*bad));
      return true;
    }
    auto f = inst->fetch(*log, max);
    if (!f.ok()) {
      res.send(proxy_status_error(f.status()));
      return true;
    }
    if (f->count == 0) return false;
    answer(std::move(*f));
    return true;
  };
  poll_log(*ctx->api->base->io, *log, ctx->api->base->watcher.get(), std::chrono::milliseconds(*timeout), attempt,
           [ctx, inst, res] {
             // A poll is activity until it answers: one as long as the idle timeout must not
             // expire its instance before the next one arrives.
             (void)ctx->instances().find(inst->group(), inst->name());
             res.send(proxy_json(bhttp::status::ok, "[]", kKafkaJsonV2));
           },
           [inst] { return inst->generation(); });
}

// Reads {"offsets":[{"topic","partition","offset"}]} (offset = the last record processed).
std::optional<Response> parse_commit(const std::string& body, std::map<TpKey, int64_t>* out) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (auto bad = parse_object(parser, body, &obj)) return bad;
  simdjson::dom::array arr;
  if (obj["offsets"].get_array().get(arr) != simdjson::SUCCESS)
    return unprocessable("field 'offsets' must be an array of {\"topic\",\"partition\",\"offset\"}");
  for (simdjson::dom::element e : arr) {
    std::string_view topic;
    int64_t partition = -1, offset = -1;
    if (e["topic"].get_string().get(topic) != simdjson::SUCCESS ||
        e["partition"].get_int64().get(partition) != simdjson::SUCCESS ||
        e["offset"].get_int64().get(offset) != simdjson::SUCCESS || partition < 0 ||
        partition > INT32_MAX || offset < 0 || offset == INT64_MAX)
      return unprocessable("each offset needs a string 'topic' and non-negative integers 'partition' and 'offset'");
    (*out)[{std::string(topic), static_cast<int32_t>(partition)}] = offset + 1;  // Kafka commits the next offset
  }
  return std::nullopt;
}

void commit_offsets(const Ctx& ctx, RouteRequest&& r, Responder res) {
  auto inst = instance_or_404(ctx, r, res);
  if (!inst) return;
  std::map<TpKey, int64_t> offsets;
  if (r.req.body().empty()) {
    offsets = inst->consumed();
  } else if (auto bad = parse_commit(r.req.body(), &offsets)) {
    return res.send(std::move(*bad));
  }
  for (const auto& [tp, next] : offsets) {
    auto info = ctx->api->base->log->topic(tp.first);
    if (!info.ok()) return res.send(proxy_error(bhttp::status::not_found, 40401, "topic '" + tp.first + "' not found"));
    if (tp.second >= info->partitions)
      return res.send(proxy_error(bhttp::status::not_found, 40402, "partition " + std::to_string(tp.second) + " of topic '" + tp.first + "' not found"));
  }
  commit(ctx, inst->group(), std::move(offsets), [res](const Status& st) {
    res.send(st.is_ok() ? proxy_json(bhttp::status::no_content, "") : proxy_status_error(st));
  });
}

void get_offsets(const Ctx& ctx, RouteRequest&& r, Responder res) {
  auto inst = instance_or_404(ctx, r, res);
  if (!inst) return;
  std::vector<TpKey> parts;
  if (r.req.body().empty()) {
    parts = inst->partitions();
  } else {
    simdjson::dom::parser parser;
    simdjson::dom::object obj;
    if (auto bad = parse_object(parser, r.req.body(), &obj)) return res.send(std::move(*bad));
    simdjson::dom::array arr;
    if (obj["partitions"].get_array().get(arr) != simdjson::SUCCESS)
      return res.send(unprocessable("field 'partitions' must be an array of {\"topic\",\"partition\"}"));
    for (simdjson::dom::element e : arr) {
      std::string_view topic;
      int64_t partition = -1;
      if (e["topic"].get_string().get(topic) != simdjson::SUCCESS ||
          e["partition"].get_int64().get(partition) != simdjson::SUCCESS || partition < 0 || partition > INT32_MAX)
        return res.send(unprocessable("each partition needs a string 'topic' and an integer 'partition'"));
      parts.emplace_back(std::string(topic), static_cast<int32_t>(partition));
    }
  }
  auto view = ctx->api->base->log->read_view();
  if (!view.ok()) return res.send(proxy_status_error(view.status()));
  std::string body = "{\"offsets\":[";
  bool first = true;
  for (const auto& [topic, partition] : parts) {
    auto c = view->committed(inst->group(), {topic, PartitionId(partition)});
    if (!c.ok()) return res.send(proxy_status_error(c.status()));
    if (!*c) continue;  // never committed: Kafka lists no offset
    body += std::string(first ? "" : ",") + "{\"topic\":" + json_quote(topic) + ",\"partition\":" +
            std::to_string(partition) + ",\"offset\":" + std::to_string((*c)->v) + ",\"metadata\":\"\"}";
    first = false;
  }
  send_durable(*ctx->api->base, res, proxy_json(bhttp::status::ok, body + "]}"));
}

}  // namespace

void add_rest_proxy_routes(Router& router, const std::shared_ptr<const TopicsContext>& api) {
  auto ctx = std::make_shared<ProxyContext>(api);
  // Weak: the base outlives the routes, which hold the context.
  api->base->live_groups->set_rest_proxy([weak = std::weak_ptr<ProxyContext>(ctx)](const std::string& group) {
    auto c = weak.lock();
    return c ? c->instances().live_members(group) : size_t{0};
  });
  auto bind = [ctx](void (*fn)(const Ctx&, RouteRequest&&, Responder)) {
    return [ctx, fn](RouteRequest&& r, Responder res) { fn(ctx, std::move(r), std::move(res)); };
  };
  const std::string inst = "/consumers/{group}/instances/{instance}";
  add_proxy_produce_route(router, api);
  router.add(bhttp::verb::post, "/consumers/{group}", bind(create_instance));
  router.add(bhttp::verb::delete_, inst, bind(delete_instance));
  router.add(bhttp::verb::post, inst + "/subscription", bind(subscribe));
  router.add(bhttp::verb::get, inst + "/subscription", bind(get_subscription));
  router.add(bhttp::verb::delete_, inst + "/subscription", bind(unsubscribe));
  router.add(bhttp::verb::get, inst + "/assignments", bind(get_assignments));
  router.add(bhttp::verb::get, inst + "/records", bind(get_records));
  router.add(bhttp::verb::post, inst + "/offsets", bind(commit_offsets));
  router.add(bhttp::verb::get, inst + "/offsets", bind(get_offsets));
}

}  // namespace orderstream::api
