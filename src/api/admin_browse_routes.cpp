// GET /v1/admin/topics/{topic}/records: the message browser of the web console (and of anyone
// with curl). Seeks each chosen partition by offset, by timestamp or to its last records, keeps
// the records whose key equals `key` and whose key or value contains `q`, and answers them
// merged in time order with where each partition's next page starts. Keys, values and headers
// are text (bytes that are not UTF-8 become U+FFFD); the admin produce route takes base64.
#include <algorithm>
#include <charconv>

#include "api/admin_bodies.h"
#include "api/durable_answer.h"

namespace orderstream::api {
namespace {

namespace bhttp = boost::beast::http;

constexpr int64_t kDefaultLimit = 50;
constexpr int64_t kMaxLimit = 1000;
constexpr size_t kScanBudget = 10000;  // records looked at per partition and request

struct BrowseQuery {
  std::optional<int32_t> partition;  // nullopt: every partition
  std::optional<int64_t> offset;     // the first offset to look at
  std::optional<int64_t> timestamp;  // or the first record at or after this time (ms)
  bool latest = false;               // or the last `limit` records
  int64_t limit = kDefaultLimit;
  std::optional<std::string> key;    // exact key
  std::string text;                  // in key or value
};

Result<int64_t> query_int(const RouteRequest& r, const std::string& name, int64_t min, int64_t max) {
  const std::string& s = r.query.at(name);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < min || v > max)
    return invalid_argument("query parameter '" + name + "' must be an integer from " + std::to_string(min) +
                            " to " + std::to_string(max) + ", not '" + s + "'");
  return v;
}

Result<BrowseQuery> parse_query(const RouteRequest& r, const log::TopicInfo& t) {
  for (const auto& [name, value] : r.query)
    if (name != "partition" && name != "offset" && name != "timestamp" && name != "limit" && name != "key" &&
        name != "q")
      return invalid_argument("unknown query parameter '" + name +
                              "' (known: partition, offset, timestamp, limit, key, q)");
  BrowseQuery q;
  if (r.query.count("partition")) {
    OS_ASSIGN_OR_RETURN(int64_t p, query_int(r, "partition", 0, INT32_MAX));
    OS_RETURN_IF_ERROR(admin::check_partition(t, p));
    q.partition = static_cast<int32_t>(p);
  }
  if (r.query.count("offset") && r.query.count("timestamp"))
    return invalid_argument("give 'offset' or 'timestamp', not both");
  if (r.query.count("offset")) {
    if (r.query.at("offset") == "latest") q.latest = true;
    else if (r.query.at("offset") != "earliest") {
      OS_ASSIGN_OR_RETURN(int64_t o, query_int(r, "offset", 0, INT64_MAX));
      q.offset = o;
    }
  }
  if (r.query.count("timestamp")) {
    OS_ASSIGN_OR_RETURN(int64_t ts, query_int(r, "timestamp", 0, INT64_MAX));
    q.timestamp = ts;
  }
  if (r.query.count("limit")) {
    OS_ASSIGN_OR_RETURN(q.limit, query_int(r, "limit", 1, kMaxLimit));
  }
  if (r.query.count("key")) q.key = r.query.at("key");
  if (r.query.count("q")) q.text = r.query.at("q");
  return q;
}

struct Found {
  int32_t partition;
  log::Record record;
};

std::string optional_text(const std::optional<std::string>& s) { return s ? json_quote(*s) : "null"; }

std::string record_json(const Found& f) {
  std::string headers;
  for (const log::Header& h : f.record.headers) {
    if (!headers.empty()) headers += ",";
    headers += "[" + json_quote(h.key) + "," + optional_text(h.value) + "]";
  }
  return "{\"partition\":" + std::to_string(f.partition) + ",\"offset\":" + std::to_string(f.record.offset.v) +
         ",\"timestamp\":" + std::to_string(f.record.timestamp_ms) + ",\"key\":" + optional_text(f.record.key) +
         ",\"value\":" + optional_text(f.record.value) + ",\"headers\":[" + headers + "]}";
}

bool matches(const BrowseQuery& q, const log::RecordView& v) {
  if (q.key && (!v.key || *v.key != *q.key)) return false;
  if (q.text.empty()) return true;
  return (v.key && v.key->find(q.text) != std::string_view::npos) ||
         (v.value && v.value->find(q.text) != std::string_view::npos);
}

Response browse(const TopicsContext& ctx, const RouteRequest& r) {
  auto t = ctx.base->log->topic(r.params.at("topic"));
  if (!t.ok()) return status_response(t.status());
  auto q = parse_query(r, *t);
  if (!q.ok()) return status_response(q.status());
  auto view = ctx.base->log->read_view();
  if (!view.ok()) return status_response(view.status());
  std::vector<Found> found;
  struct Position {
    int32_t partition;
    int64_t next, end;  // where its next page starts; its end offset
  };
  std::vector<Position> positions;
  for (int32_t p = 0; p < t->partitions; ++p) {
    if (q->partition && *q->partition != p) continue;
    log::TopicPartition tp{t->name, PartitionId(p)};
    auto info = view->partition_info(tp);
    if (!info.ok()) return status_response(info.status());
    int64_t from = info->start.v;
    if (q->offset) from = std::max(from, *q->offset);
    if (q->latest) from = std::max(from, info->end.v - q->limit);
    if (q->timestamp) {
      auto at = view->offset_for_time(tp, *q->timestamp);
      if (!at.ok()) return status_response(at.status());
      from = at->v;
    }
    size_t kept = 0;
    auto end = view->scan(tp, Offset(from), kScanBudget, [&](const log::RecordView& v) {
      if (!matches(*q, v)) return true;
      found.push_back({p, log::Record::from_view(v)});
      return ++kept < static_cast<size_t>(q->limit);
    });
    if (!end.ok()) return status_response(end.status());
    positions.push_back({p, end->v, info->end.v});
  }
  // In time order across partitions (offset order within one), at most `limit` in all.
  std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return a.record.timestamp_ms != b.record.timestamp_ms ? a.record.timestamp_ms < b.record.timestamp_ms
                                                          : a.partition < b.partition;
  });
  // A partition whose records were cut continues at the first one cut, so no page skips any.
  for (size_t i = static_cast<size_t>(q->limit); i < found.size(); ++i)
    for (Position& pos : positions)
      if (pos.partition == found[i].partition) pos.next = std::min(pos.next, found[i].record.offset.v);
  if (found.size() > static_cast<size_t>(q->limit)) found.resize(static_cast<size_t>(q->limit));
  std::string next;
  for (const Position& pos : positions)
    next += std::string(next.empty() ? "" : ",") + "{\"partition\":" + std::to_string(pos.partition) +
            ",\"next\":" + std::to_string(pos.next) + ",\"end\":" + std::to_string(pos.end) + "}";
  std::string records;
  for (const Found& f : found) records += (records.empty() ? "" : ",") + record_json(f);
  return json_response(bhttp::status::ok, "{\"topic\":" + json_quote(t->name) + ",\"records\":[" + records +
                                              "],\"partitions\":[" + next + "]}");
}

}  // namespace

// REQUIRES: ctx->base (its log) set before the server starts.
void add_admin_browse_routes(Router& router, const std::shared_ptr<const TopicsContext>& ctx) {
  router.add(bhttp::verb::get, "/v1/admin/topics/{topic}/records",
             [ctx](RouteRequest&& r, Responder res) { send_durable(*ctx->base, res, browse(*ctx, r)); });
}

}  // namespace orderstream::api
