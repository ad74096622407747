#include "stream/session_store.h"

#include <algorithm>

#include "stream/store_keys.h"

namespace orderstream::stream {
namespace {

// Layouts: <name>  prefix(key) end start -> aggregate (Kafka's session key order: by end time)
//          #time   end prefix(key) start -> "": expiry in end-time order
std::string session_key(const std::string& prefix, int64_t start, int64_t end) {
  std::string k = prefix;
  keys::append_time(&k, end);
  keys::append_time(&k, start);
  return k;
}

std::string time_key(const std::string& prefix, int64_t start, int64_t end) {
  std::string k;
  keys::append_time(&k, end);
  k += prefix;
  keys::append_time(&k, start);
  return k;
}

}  // namespace

SessionStore::SessionStore(std::string name, int64_t gap_ms, int64_t retention_ms)
    : name_(std::move(name)), time_(name_ + "#time"), gap_ms_(gap_ms), retention_ms_(retention_ms) {}

Result<std::vector<SessionWindow>> SessionStore::sessions(TaskContext& ctx,
                                                          std::string_view key) const {
  std::string p = keys::prefix(key);
  std::vector<SessionWindow> out;
  OS_RETURN_IF_ERROR(ctx.scan(name_, p, keys::prefix_end(p), [&](std::string_view k, std::string_view v) {
    out.push_back(SessionWindow{keys::read_time(k.data() + p.size() + 8),
                                keys::read_time(k.data() + p.size()), std::string(v)});
    return true;
  }));
  std::sort(out.begin(), out.end(),
            [](const SessionWindow& a, const SessionWindow& b) { return a.start_ms < b.start_ms; });
  return out;
}

Result<SessionWindow> SessionStore::add(TaskContext& ctx, std::string_view key, int64_t ts,
                                        const AddFn& add, const MergeFn& merge) const {
  OS_RETURN_IF_ERROR(expire(ctx));
  std::string p = keys::prefix(key);
  OS_ASSIGN_OR_RETURN(std::vector<SessionWindow> all, sessions(ctx, key));
  SessionWindow merged{ts, ts, ""};
  bool first = true;
  for (const SessionWindow& s : all) {
    // Within the gap of the event: it joins (or bridges) this session.
    if (s.end_ms + gap_ms_ < ts || s.start_ms - gap_ms_ > ts) continue;
    merged.start_ms = std::min(merged.start_ms, s.start_ms);
    merged.end_ms = std::max(merged.end_ms, s.end_ms);
    merged.aggregate = first ? s.aggregate : merge(merged.aggregate, s.aggregate);
    first = false;
    ctx.del(name_, session_key(p, s.start_ms, s.end_ms));
    ctx.del(time_, time_key(p, s.start_ms, s.end_ms));
  }
  merged.aggregate = add(merged.aggregate);
  ctx.put(name_, session_key(p, merged.start_ms, merged.end_ms), merged.aggregate);
  ctx.put(time_, time_key(p, merged.start_ms, merged.end_ms), "");
  return merged;
}

Status SessionStore::expire(TaskContext& ctx) const {
  std::string to;
  keys::append_time(&to, ctx.stream_time_ms() - retention_ms_);
  std::vector<std::string> expired;
  OS_RETURN_IF_ERROR(ctx.scan(time_, "", to, [&](std::string_view k, std::string_view) {
    expired.emplace_back(k);
    return true;
  }));
  for (const std::string& k : expired) {
    // time_key = end prefix(key) start  ->  session_key = prefix(key) end start
    std::string_view end = std::string_view(k).substr(0, 8);
    std::string_view rest = std::string_view(k).substr(8);
    std::string_view p = rest.substr(0, rest.size() - 8);
    std::string_view start = rest.substr(rest.size() - 8);
    ctx.del(name_, std::string(p) + std::string(end) + std::string(start));
    ctx.del(time_, k);
  }
  return Status::ok();
}

}  // namespace orderstream::stream
