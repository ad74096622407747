#include "stream/step_context.h"

#include <algorithm>

#include "log/record_format.h"
#include "log/write_txn.h"

namespace orderstream::stream {

StepContext::StepContext(const log::Log& log, const log::ReadView& view, const SubTopology& spec,
                         PartitionId p, int64_t stream_time)
    : log_(log), view_(view), spec_(spec), partition_(p), stream_time_(stream_time) {}

StepContext::Store& StepContext::store(std::string_view name) {
  for (auto& s : stores_)
    if (s->name == name) return *s;
  auto s = std::make_unique<Store>();
  s->name = std::string(name);
  s->scoped = task_store_name(spec_, partition_, name);
  s->ref = view_.store(s->scoped);
  stores_.push_back(std::move(s));
  return *stores_.back();
}

Result<std::optional<std::string>> StepContext::get(std::string_view name, std::string_view key) {
  Store& s = store(name);
  auto it = s.writes.find(key);
  if (it != s.writes.end()) return it->second;
  return read(s.ref, key);
}

Result<std::optional<std::string>> StepContext::get_global(std::string_view store,
                                                           std::string_view key) {
  // Looked up once per step, like the task's own stores: global tables are read per record.
  for (const auto& [name, ref] : globals_)
    if (name == store) return read(ref, key);
  globals_.emplace_back(std::string(store), view_.store(global_store_name(store)));
  return read(globals_.back().second, key);
}

Status StepContext::scan(std::string_view name, std::string_view from, std::string_view to,
                         const ScanFn& fn) {
  Store& s = store(name);
  if (!s.ordered) {
    for (const auto& [k, v] : s.writes) s.order.insert(k);
    s.ordered = true;
  }
  auto in_range = [&](std::string_view k) { return to.empty() || k < to; };
  // Merges the step's buffered writes into the snapshot's range as it streams, so a scan that
  // stops early (fn returns false) reads no further than it needs.
  auto w = s.order.lower_bound(from);
  auto buffered = [&] { return w != s.order.end() && in_range(*w); };
  auto value = [&](std::string_view k) -> const std::optional<std::string>& { return s.writes.find(k)->second; };
  bool stopped = false;
  Status st = view_.scan_store(s.ref, from, [&](std::string_view k, std::string_view v) {
    if (!in_range(k)) return false;
    for (; buffered() && *w < k; ++w) {
      const auto& bv = value(*w);
      if (bv && !fn(*w, *bv)) return !(stopped = true);
    }
    if (buffered() && *w == k) {  // the step overwrote or deleted this key
      const auto& bv = value(*w);
      bool more = !bv || fn(k, *bv);
      ++w;
      return more || !(stopped = true);
    }
    return fn(k, v) || !(stopped = true);
  });
  if (!st.is_ok()) {
    if (storage_error_.is_ok()) storage_error_ = st;
    return st;
  }
  for (; !stopped && buffered(); ++w) {
    const auto& bv = value(*w);
    if (bv && !fn(*w, *bv)) break;
  }
  return Status::ok();
}

bool StepContext::check_key(std::string_view key) {
  if (key.size() <= log::ReadView::kMaxStoreKeyBytes) return true;
  fail_record(invalid_argument("state store key of " + std::to_string(key.size()) +
                               " bytes is too long"));
  return false;
}

void StepContext::put(std::string_view name, std::string_view key, std::string value) {
  if (check_key(key)) set(store(name), key, std::move(value));
}

void StepContext::del(std::string_view name, std::string_view key) {
  if (check_key(key)) set(store(name), key, std::nullopt);
}

void StepContext::emit(const std::string& topic, std::optional<std::string> key,
                       std::optional<std::string> value, int64_t ts,
                       std::optional<PartitionId> partition) {
  // Checked here, not at commit: an output the log would refuse must cost only its record,
  // not stall the task on a step that can never commit.
  Status st = check_output(topic, key, value, partition);
  if (!st.is_ok()) {
    fail_record(st);
    return;
  }
  outputs_.push_back(Output{topic, std::move(key), std::move(value), ts, partition});
}

void StepContext::begin_record() {
  undo_.clear();
  outputs_mark_ = outputs_.size();
  after_mark_ = after_.size();
  record_error_ = Status::ok();
}

void StepContext::rollback_record() {
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    Store& s = *it->store;
    auto w = s.writes.find(it->key);
    if (it->before) {
      w->second = std::move(*it->before);
    } else {
      if (s.ordered) s.order.erase(w->first);
      s.writes.erase(w);
    }
  }
  undo_.clear();
  outputs_.resize(outputs_mark_);
  after_.resize(after_mark_);
}

void StepContext::seal() {
  for (auto& s : stores_) {
    s->sealed.clear();
    s->sealed.reserve(s->writes.size());
    for (const auto& kv : s->writes) s->sealed.push_back(&kv);
    std::sort(s->sealed.begin(), s->sealed.end(), [](auto* a, auto* b) { return a->first < b->first; });
  }
}

Status StepContext::write_state_to(log::WriteTxn& w) const {
  for (const auto& s : stores_) {
    if (s->writes.empty()) continue;
    OS_ASSIGN_OR_RETURN(log::StoreRef ref, w.store_for_write(s->scoped));
    auto write = [&](const std::string& k, const std::optional<std::string>& v) {
      return v ? w.put(ref, k, *v) : w.del(ref, k);
    };
    if (s->sealed.size() == s->writes.size()) {
      for (const auto* kv : s->sealed) OS_RETURN_IF_ERROR(write(kv->first, kv->second));
    } else {  // not sealed (or written to since): every write still goes in, in hash order
      for (const auto& [k, v] : s->writes) OS_RETURN_IF_ERROR(write(k, v));
    }
  }
  return Status::ok();
}

Status StepContext::write_outputs_to(log::WriteTxn& w) const {
  for (const Output& o : outputs_) {
    PartitionId p;
    if (o.partition) {
      p = *o.partition;
    } else {
      OS_ASSIGN_OR_RETURN(p, w.partition_for(o.topic, o.key));
    }
    log::RecordData rd;
    if (o.key) rd.key = *o.key;
    if (o.value) rd.value = *o.value;
    rd.timestamp_ms = o.timestamp_ms;
    OS_RETURN_IF_ERROR(w.append({o.topic, p}, rd).status());
  }
  return Status::ok();
}

void StepContext::for_each_state_write(const StateWriteFn& fn) const {
  for (const auto& s : stores_)
    for (const auto& [k, v] : s->writes) fn(s->name, k, v);
}

Result<std::optional<std::string>> StepContext::read(const log::StoreRef& store,
                                                     std::string_view key) {
  auto v = view_.get(store, key);
  if (!v.ok()) {
    if (v.status().code() == StatusCode::kInvalidArgument) {
      fail_record(v.status());
    } else if (storage_error_.is_ok()) {
      storage_error_ = v.status();
    }
    return v.status();
  }
  if (!*v) return std::optional<std::string>();
  return std::optional<std::string>(std::string(**v));
}

void StepContext::fail_record(Status st) {
  if (record_error_.is_ok()) record_error_ = std::move(st);
}

void StepContext::set(Store& s, std::string_view key, std::optional<std::string> v) {
  auto it = s.writes.find(key);
  // Undo entry: the buffered entry before this write (nullopt = none buffered).
  if (it == s.writes.end()) {
    undo_.push_back(Undo{&s, std::string(key), std::nullopt});
    it = s.writes.emplace(std::string(key), std::move(v)).first;
    if (s.ordered) s.order.insert(it->first);
  } else {
    undo_.push_back(Undo{&s, std::string(key), std::move(it->second)});
    it->second = std::move(v);
  }
}

Status StepContext::check_output(const std::string& topic, const std::optional<std::string>& key,
                                 const std::optional<std::string>& value,
                                 std::optional<PartitionId> partition) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) {
    auto info = log_.topic(topic);
    if (!info.ok()) return info.status();
    it = topics_.emplace(topic, *info).first;
  }
  const log::TopicInfo& info = it->second;
  if (partition && (partition->v < 0 || partition->v >= info.partitions))
    return invalid_argument("partition " + std::to_string(partition->v) + " of topic '" + topic +
                            "' does not exist");
  if (!key && info.config.cleanup_policy == log::CleanupPolicy::kCompact)
    return invalid_argument("topic '" + topic + "' is compacted: every record needs a key");
  size_t payload = (key ? key->size() : 0) + (value ? value->size() : 0);
  if (payload > log::format::kMaxPayloadSize)
    return invalid_argument("output record of " + std::to_string(payload) + " bytes is too large");
  return Status::ok();
}

}  // namespace orderstream::stream
