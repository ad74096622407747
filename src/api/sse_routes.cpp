// GET /v1/topics/{topic}/stream?offset=earliest|latest|N&group=G&timeout=MS: a topic as
// Server-Sent Events (text/event-stream) for the simplest clients (EventSource, curl -N).
//
// The response stays open and each record is sent as one event as soon as it is in the log:
// `id: <cursor>`, `event: record`, `data: <record_json>`. The cursor is `<partition>-<offset>` of
// the last record delivered from each partition, comma-separated (`0-41` on a one-partition
// topic), so `Last-Event-ID` resumes every partition exactly. A partition still at offset 0 (nothing
// before its position) is left out, and a resume reads a partition missing from its cursor from
// the earliest record; an all-empty cursor sends no `id:` line. Every 15 s without records a
// `: heartbeat` comment with the unchanged cursor as an id-only event keeps proxies from closing
// the connection and finds clients that left. The stream ends when the client leaves, the
// server stops, or ?timeout= ms passed (timeout=0: what is there now, then the end); `retry:`
// tells EventSource to reconnect with Last-Event-ID a second later.
//
// Start positions, per partition: the Last-Event-ID header (or ?lastEventId=), else the group's
// committed offset when group= is given, else ?offset= (default latest). With group=, each
// batch's positions are committed (once durable) before it is sent: at-most-once per batch, the
// same offsets `orderstream groups describe` shows. A client that reads slower than the topic
// grows is not buffered for without bound: reading pauses while 4 MB are queued for it.
#include <algorithm>
#include <charconv>

#include "api/api.h"
#include "api/consumer_instances.h"
#include "api/durable_answer.h"
#include "api/log_poll.h"
#include "api/proxy_records.h"

namespace orderstream::api {

namespace bhttp = boost::beast::http;

namespace {

constexpr size_t kMaxBatchBytes = 1 << 20;

Result<int64_t> parse_i64(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return invalid_argument("not an integer");
  return v;
}

// "p-o,p-o" -> {p: o + 1} (next offsets).
Result<std::map<int32_t, int64_t>> parse_cursor(std::string_view s, int32_t partitions) {
  std::map<int32_t, int64_t> out;
  while (!s.empty()) {
    size_t comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
    size_t dash = item.find('-', 1);
    auto p = parse_i64(item.substr(0, dash));
    auto o = dash == std::string_view::npos ? p : parse_i64(item.substr(dash + 1));
    if (dash == std::string_view::npos || !p.ok() || !o.ok() || *p < 0 || *p >= partitions || *o < -1 ||
        *o == INT64_MAX)
      return invalid_argument("Last-Event-ID must be <partition>-<offset>[,...] as sent in the event ids");
    out[static_cast<int32_t>(*p)] = *o + 1;
  }
  return out;
}

std::string cursor(const std::map<TpKey, int64_t>& positions) {
  std::string out;
  for (const auto& [tp, next] : positions)
    if (next > 0) out += (out.empty() ? "" : ",") + std::to_string(tp.second) + "-" + std::to_string(next - 1);
  return out;
}

// The event's id line, or nothing when no partition has a position to name.
std::string id_line(const std::map<TpKey, int64_t>& positions) {
  std::string c = cursor(positions);
  return c.empty() ? std::string() : "id: " + c + "\n";
}

// Start positions of every partition of `topic` (see the file comment).
Result<std::map<TpKey, int64_t>> start_positions(const log::Log& log, const log::TopicInfo& info,
                                                 const RouteRequest& r, const std::string& group) {
  std::string last_id(r.req["Last-Event-ID"]);
  if (last_id.empty() && r.query.count("lastEventId")) last_id = r.query.at("lastEventId");
  OS_ASSIGN_OR_RETURN(auto resumed, parse_cursor(last_id, info.partitions));
  std::string offset = r.query.count("offset") ? r.query.at("offset") : "latest";
  std::optional<int64_t> fixed;
  if (offset != "earliest" && offset != "latest") {
    auto n = parse_i64(offset);
    if (!n.ok() || *n < 0) return invalid_argument("offset must be earliest, latest or a non-negative integer");
    fixed = *n;
  }
  OS_ASSIGN_OR_RETURN(log::ReadView view, log.read_view());
  std::map<TpKey, int64_t> out;
  for (int32_t p = 0; p < info.partitions; ++p) {
    log::TopicPartition tp{info.name, PartitionId(p)};
    if (auto it = resumed.find(p); it != resumed.end()) {
      out[{info.name, p}] = it->second;
      continue;
    }
    OS_ASSIGN_OR_RETURN(log::PartitionInfo pi, view.partition_info(tp));
    if (!last_id.empty()) {  // a resume: the cursor leaves out partitions nothing was read from
      out[{info.name, p}] = pi.start.v;
      continue;
    }
    if (!group.empty()) {
      OS_ASSIGN_OR_RETURN(std::optional<Offset> c, view.committed(group, tp));
      if (c) {
        out[{info.name, p}] = c->v;
        continue;
      }
    }
    out[{info.name, p}] = fixed ? std::clamp(*fixed, pi.start.v, pi.end.v)
                                : offset == "earliest" ? pi.start.v : pi.end.v;
  }
  return out;
}

constexpr size_t kMaxBufferedBytes = 4 << 20;
constexpr std::chrono::milliseconds kHeartbeat{15000};
using Clock = std::chrono::steady_clock;

struct Stream {
  std::shared_ptr<const TopicsContext> ctx;
  std::string group;
  std::map<TpKey, int64_t> positions;
  size_t rotate = 0;
  Clock::time_point end = Clock::time_point::max();
  ResponseStream out;
};

// The records after s->positions (up to about kMaxBatchBytes) as events, moving the positions.
Result<std::string> next_batch(Stream& s) {
  OS_ASSIGN_OR_RETURN(log::ReadView view, s.ctx->base->log->read_view());
  std::string events;
  Status st = scan_positions(view, &s.positions, s.rotate++, [&](const TpKey& tp, const log::RecordView& rec) {
    if (!events.empty() && events.size() > kMaxBatchBytes) return false;
    std::string json = record_json(tp.first, tp.second, rec);
    // The id must name this record's position, so move it before writing the cursor.
    s.positions[tp] = rec.offset.v + 1;
    events += id_line(s.positions) + "event: record\ndata: " + json + "\n\n";
    return true;
  });
  if (!st.is_ok()) return st;
  return events;
}

// Ends the stream with an error event (the status line is long gone).
void fail(const Stream& s, const Status& st) {
  s.out.write("event: error\ndata: " + status_json(st) + "\n\n");
  s.out.end();
}

void pump(const std::shared_ptr<Stream>& s, bool first = false);

// Sends a batch once its records are durable; under group= its positions are committed first
// (a commit after the records' own, so its acknowledgement covers them). Then waits for the next.
void deliver(const std::shared_ptr<Stream>& s, std::string events) {
  if (s->group.empty()) {
    return when_durable(*s->ctx->base, [s, events = std::move(events)](const Status& st) {
      if (!st.is_ok()) return fail(*s, st);
      s->out.write(events);
      pump(s);
    });
  }
  commit_group_offsets(*s->ctx->base->writer, s->group, s->positions,
                       [s, events = std::move(events)](const Status& st) {
                         if (!st.is_ok()) return fail(*s, st);
                         s->out.write(events);
                         pump(s);
                       });
}

// Waits for records (or the heartbeat, or the end) and delivers them; one wait at a time.
void pump(const std::shared_ptr<Stream>& s, bool first) {
  if (s->out.closed()) return;  // the client left or the server is stopping
  auto now = Clock::now();
  auto heartbeat = [s] { s->out.write(": heartbeat\n" + id_line(s->positions) + "\n"); };
  if (!first && now >= s->end) {
    heartbeat();
    return s->out.end();
  }
  auto wait = s->end - now < kHeartbeat ? std::chrono::duration_cast<std::chrono::milliseconds>(s->end - now)
                                        : kHeartbeat;
  poll_log(
      *s->ctx->base->io, *s->ctx->base->log, s->ctx->base->watcher.get(), std::max(wait, std::chrono::milliseconds(0)),
      [s]() -> bool {
        if (s->out.closed()) return true;
        if (s->out.buffered() > kMaxBufferedBytes) return false;  // retried after the next commit
        auto events = next_batch(*s);
        if (!events.ok()) {
          fail(*s, events.status());
          return true;
        }
        if (events->empty()) return false;
        deliver(s, std::move(*events));
        return true;
      },
      [s, heartbeat] {
        if (Clock::now() >= s->end) {
          heartbeat();
          return s->out.end();
        }
        heartbeat();
        pump(s);
      });
}

void stream_topic(const std::shared_ptr<const TopicsContext>& ctx, RouteRequest&& r, Responder res) {
  const std::string topic = r.params.at("topic");
  auto info = ctx->base->log->topic(topic);
  if (!info.ok()) return res.send(proxy_error(bhttp::status::not_found, 40401, "topic '" + topic + "' not found"));
  auto timeout = parse_stream_timeout(r, *ctx->base);
  if (!timeout.ok()) return res.send(proxy_error(bhttp::status::bad_request, 400, timeout.status().message()));
  auto s = std::make_shared<Stream>();
  s->ctx = ctx;
  s->group = r.query.count("group") ? r.query.at("group") : "";
  if (auto refusal = ctx->owns.group_refusal(s->group); refusal && !s->group.empty())
    return res.send(proxy_error(bhttp::status::forbidden, 40301, *refusal));
  if (size_t n = s->group.empty() ? 0 : ctx->base->live_groups->kafka(s->group))
    return res.send(proxy_error(bhttp::status::conflict, 40900, group_held_message(s->group, n, "Kafka")));
  auto start = start_positions(*ctx->base->log, *info, r, s->group);
  if (!start.ok()) return res.send(proxy_error(bhttp::status::bad_request, 400, start.status().message()));
  s->positions = std::move(*start);
  if (*timeout) s->end = Clock::now() + **timeout;
  Response head = make_response(bhttp::status::ok, "retry: 1000\n\n", "text/event-stream");
  head.set("X-Accel-Buffering", "no");  // tells a fronting nginx not to buffer the stream
  s->out = res.stream(std::move(head));
  pump(s, true);
}

}  // namespace

void add_sse_routes(Router& router, const std::shared_ptr<const TopicsContext>& ctx) {
  router.add(bhttp::verb::get, "/v1/topics/{topic}/stream", [ctx](RouteRequest&& r, Responder res) {
    stream_topic(ctx, std::move(r), std::move(res));
  });
}

}  // namespace orderstream::api
