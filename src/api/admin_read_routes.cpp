// What the web console (and any client) reads about the log: topics with their partitions'
// offsets, sizes, configs, owner and consumer lag; consumer groups with each partition's
// committed offset, end offset and lag. One read snapshot per answer, answered once what it saw
// is durable, like every other read.
#include <map>

#include "api/admin_bodies.h"
#include "api/durable_answer.h"

namespace orderstream::api {
namespace {

namespace bhttp = boost::beast::http;

struct PartitionLag {
  int64_t committed = 0;
  int64_t end = 0;
  int64_t lag() const { return std::max<int64_t>(0, end - committed); }
};

// Every group's committed offsets, by group and partition, with the partition's end offset.
using GroupLags = std::map<std::string, std::map<std::pair<std::string, int32_t>, PartitionLag>>;

Result<GroupLags> group_lags(const log::ReadView& view, std::optional<std::string_view> group) {
  GroupLags out;
  OS_ASSIGN_OR_RETURN(std::vector<log::GroupOffset> offsets, view.group_offsets(group));
  for (const log::GroupOffset& g : offsets) {
    auto info = view.partition_info(g.tp);
    if (!info.ok()) continue;  // its topic was deleted after the commit
    out[g.group][{g.tp.topic, g.tp.partition.v}] = {g.offset.v, info->end.v};
  }
  return out;
}

// One read snapshot and every group's lag in it (or only `group`'s).
struct Snapshot {
  log::ReadView view;
  GroupLags lags;
};
Result<Snapshot> snapshot(const TopicsContext& ctx, std::optional<std::string_view> group) {
  OS_ASSIGN_OR_RETURN(log::ReadView view, ctx.base->log->read_view());
  OS_ASSIGN_OR_RETURN(GroupLags lags, group_lags(view, group));
  return Snapshot{std::move(view), std::move(lags)};
}

// The ownership rule's refusal (which service owns it), or null when clients may write it.
std::string owner_json(const std::optional<std::string>& refusal) { return refusal ? json_quote(*refusal) : "null"; }

Result<std::string> topic_detail(const TopicsContext& ctx, const log::ReadView& view,
                                 const log::TopicInfo& t, const GroupLags& lags) {
  std::string parts;
  int64_t records = 0, bytes = 0;
  for (int32_t p = 0; p < t.partitions; ++p) {
    OS_ASSIGN_OR_RETURN(log::PartitionInfo info, view.partition_info({t.name, PartitionId(p)}));
    records += info.count;
    bytes += info.bytes;
    if (p) parts += ",";
    parts += "{\"partition\":" + std::to_string(p) + ",\"start\":" + std::to_string(info.start.v) +
             ",\"end\":" + std::to_string(info.end.v) + ",\"records\":" + std::to_string(info.count) +
             ",\"bytes\":" + std::to_string(info.bytes) + "}";
  }
  // Lag per consuming group, summed over the topic's partitions (what Kafka UIs list beside a topic).
  std::string groups;
  int64_t max_lag = 0;
  for (const auto& [group, partitions] : lags) {
    int64_t lag = 0;
    bool reads = false;
    for (const auto& [tp, l] : partitions)
      if (tp.first == t.name) reads = true, lag += l.lag();
    if (!reads) continue;
    max_lag = std::max(max_lag, lag);
    if (!groups.empty()) groups += ",";
    groups += "{\"group\":" + json_quote(group) + ",\"lag\":" + std::to_string(lag) + "}";
  }
  std::string json = admin::topic_json(t);
  json.pop_back();  // topic_json's closing brace: the fields below belong to the same object
  return json + ",\"owner\":" + owner_json(ctx.owns.topic_refusal(t.name)) +
         ",\"records\":" + std::to_string(records) + ",\"bytes\":" + std::to_string(bytes) +
         ",\"maxLag\":" + std::to_string(max_lag) + ",\"groups\":[" + groups + "]" +
         ",\"partitionOffsets\":[" + parts + "]}";
}

Response list_topics(const TopicsContext& ctx) {
  auto snap = snapshot(ctx, std::nullopt);
  if (!snap.ok()) return status_response(snap.status());
  std::string out = "{\"topics\":[";
  bool first = true;
  for (const log::TopicInfo& t : ctx.base->log->topics()) {
    auto one = topic_detail(ctx, snap->view, t, snap->lags);
    if (!one.ok()) continue;  // deleted between the list and the snapshot
    out += std::string(first ? "" : ",") + *one;
    first = false;
  }
  return json_response(bhttp::status::ok, out + "]}");
}

Response get_topic(const TopicsContext& ctx, const std::string& name) {
  auto t = ctx.base->log->topic(name);
  if (!t.ok()) return status_response(t.status());
  auto snap = snapshot(ctx, std::nullopt);
  if (!snap.ok()) return status_response(snap.status());
  auto one = topic_detail(ctx, snap->view, *t, snap->lags);
  if (!one.ok()) return status_response(one.status());
  return json_response(bhttp::status::ok, *one);
}

std::string group_json(const TopicsContext& ctx, const std::string& group,
                       const std::map<std::pair<std::string, int32_t>, PartitionLag>& partitions) {
  std::string parts;
  int64_t lag = 0;
  for (const auto& [tp, l] : partitions) {
    lag += l.lag();
    if (!parts.empty()) parts += ",";
    parts += "{\"topic\":" + json_quote(tp.first) + ",\"partition\":" + std::to_string(tp.second) +
             ",\"committed\":" + std::to_string(l.committed) + ",\"end\":" + std::to_string(l.end) +
             ",\"lag\":" + std::to_string(l.lag()) + "}";
  }
  return "{\"group\":" + json_quote(group) + ",\"owner\":" + owner_json(ctx.owns.group_refusal(group)) +
         ",\"lag\":" + std::to_string(lag) + ",\"partitions\":[" + parts + "]}";
}

Response list_groups(const TopicsContext& ctx) {
  auto snap = snapshot(ctx, std::nullopt);
  if (!snap.ok()) return status_response(snap.status());
  std::string out = "{\"groups\":[";
  bool first = true;
  for (const auto& [group, partitions] : snap->lags) {
    out += std::string(first ? "" : ",") + group_json(ctx, group, partitions);
    first = false;
  }
  return json_response(bhttp::status::ok, out + "]}");
}

Response get_group(const TopicsContext& ctx, const std::string& group) {
  auto snap = snapshot(ctx, group);
  if (!snap.ok()) return status_response(snap.status());
  auto it = snap->lags.find(group);
  if (it == snap->lags.end())
    return error_response(bhttp::status::not_found, "NotFound",
                          "consumer group '" + group + "' has no committed offsets");
  return json_response(bhttp::status::ok, group_json(ctx, group, it->second));
}

}  // namespace

// REQUIRES: ctx->base (its log) set before the server starts.
void add_admin_read_routes(Router& router, const std::shared_ptr<const TopicsContext>& ctx) {
  router.add(bhttp::verb::get, "/v1/admin/topics",
             [ctx](RouteRequest&&, Responder res) { send_durable(*ctx->base, res, list_topics(*ctx)); });
  router.add(bhttp::verb::get, "/v1/admin/topics/{topic}", [ctx](RouteRequest&& r, Responder res) {
    send_durable(*ctx->base, res, get_topic(*ctx, r.params.at("topic")));
  });
  router.add(bhttp::verb::get, "/v1/admin/groups",
             [ctx](RouteRequest&&, Responder res) { send_durable(*ctx->base, res, list_groups(*ctx)); });
  router.add(bhttp::verb::get, "/v1/admin/groups/{group}", [ctx](RouteRequest&& r, Responder res) {
    send_durable(*ctx->base, res, get_group(*ctx, r.params.at("group")));
  });
}

}  // namespace orderstream::api
