#include "stream/window_store.h"

#include "stream/store_keys.h"

namespace orderstream::stream {

WindowStore::WindowStore(std::string name)
    : name_(std::move(name)), ids_(name_ + "#ids"), time_(name_ + "#time") {}

std::vector<std::string> WindowStore::store_names() const { return {name_, ids_, time_}; }

// Layouts: <name>  prefix(key) time id -> value
//          #ids    prefix(key) id -> time (8 bytes): duplicate check without knowing the time
//          #time   time prefix(key) id -> "": expiry in time order
Result<bool> WindowStore::put(TaskContext& ctx, std::string_view key, int64_t ts,
                              std::string_view id, std::string value) const {
  std::string p = keys::prefix(key);
  std::string id_key = p + std::string(id);
  OS_ASSIGN_OR_RETURN(std::optional<std::string> seen, ctx.get(ids_, id_key));
  if (seen) return false;
  std::string t;
  keys::append_time(&t, ts);
  ctx.put(name_, p + t + std::string(id), std::move(value));
  ctx.put(ids_, id_key, t);
  ctx.put(time_, t + id_key, "");
  return true;
}

Result<std::vector<WindowStore::Entry>> WindowStore::fetch(TaskContext& ctx, std::string_view key,
                                                           int64_t from_ts, int64_t to_ts) const {
  std::vector<Entry> out;
  if (from_ts > to_ts) return out;
  std::string p = keys::prefix(key);
  std::string from = p, to = p;
  keys::append_time(&from, from_ts);
  keys::append_time(&to, to_ts == INT64_MAX ? to_ts : to_ts + 1);  // the end is exclusive
  OS_RETURN_IF_ERROR(ctx.scan(name_, from, to, [&](std::string_view k, std::string_view v) {
    std::string_view rest = k.substr(p.size());
    out.push_back(Entry{keys::read_time(rest.data()), std::string(rest.substr(8)), std::string(v)});
    return true;
  }));
  return out;
}

Result<int64_t> WindowStore::expire_before(TaskContext& ctx, int64_t before_ts) const {
  std::string to;
  keys::append_time(&to, before_ts);
  std::vector<std::string> expired;
  OS_RETURN_IF_ERROR(ctx.scan(time_, "", to, [&](std::string_view k, std::string_view) {
    expired.emplace_back(k);
    return true;
  }));
  for (const std::string& k : expired) {
    std::string_view t = std::string_view(k).substr(0, 8);
    std::string_view id_key = std::string_view(k).substr(8);  // prefix(key) id
    uint32_t key_len = log::decode_fixed32_be(id_key.data());
    std::string_view p = id_key.substr(0, 4 + key_len);
    ctx.del(name_, std::string(p) + std::string(t) + std::string(id_key.substr(p.size())));
    ctx.del(ids_, id_key);
    ctx.del(time_, k);
  }
  return static_cast<int64_t>(expired.size());
}

}  // namespace orderstream::stream
