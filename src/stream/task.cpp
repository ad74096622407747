#include "stream/task.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "log/read_view.h"
#include "log/record_format.h"
#include "log/write_txn.h"

namespace orderstream::stream {
namespace {

using Clock = std::chrono::steady_clock;

// The runtime's own per-task store: the task's stream time, committed with each step so
// that a restarted task resumes with the same stream time (processing stays deterministic).
constexpr std::string_view kTaskMetaStore = "__task";
constexpr std::string_view kStreamTimeKey = "stream-time";

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Output {
  std::string topic;
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp_ms;
  std::optional<PartitionId> partition;
};

using StoreKey = std::pair<std::string, std::string>;

// The TaskContext of one step: state writes are buffered over the step's read snapshot. The
// effects of each record (writes, outputs, after-commit actions) can be rolled back on their own,
// so a record the processor rejects leaves no trace.
class StepContext final : public TaskContext {
 public:
  StepContext(const log::Log& log, const log::ReadView& view, const SubTopology& spec, PartitionId p,
              int64_t stream_time)
      : log_(log), view_(view), spec_(spec), partition_(p), stream_time_(stream_time) {}

  PartitionId partition() const override { return partition_; }
  int64_t stream_time_ms() const override { return stream_time_; }
  void advance_time(int64_t ts) { stream_time_ = std::max(stream_time_, ts); }

  Result<std::optional<std::string>> get(std::string_view store, std::string_view key) override {
    std::string name = task_store_name(spec_, partition_, store);
    auto it = writes_.find({name, std::string(key)});
    if (it != writes_.end()) return it->second;
    return read(name, key);
  }
  Result<std::optional<std::string>> get_global(std::string_view store,
                                                std::string_view key) override {
    return read(global_store_name(store), key);
  }
  Status scan(std::string_view store, std::string_view from, std::string_view to,
              const ScanFn& fn) override {
    std::string name = task_store_name(spec_, partition_, store);
    auto in_range = [&](std::string_view k) { return to.empty() || k < to; };
    // Merges the step's buffered writes into the snapshot's range as it streams, so a scan that
    // stops early (fn returns false) reads no further than it needs.
    auto w = writes_.lower_bound({name, std::string(from)});
    auto buffered = [&] { return w != writes_.end() && w->first.first == name && in_range(w->first.second); };
    bool stopped = false;
    Status st = view_.scan_store(name, from, [&](std::string_view k, std::string_view v) {
      if (!in_range(k)) return false;
      for (; buffered() && w->first.second < k; ++w)
        if (w->second && !fn(w->first.second, *w->second)) return !(stopped = true);
      if (buffered() && w->first.second == k) {  // the step overwrote or deleted this key
        bool more = !w->second || fn(k, *w->second);
        ++w;
        return more || !(stopped = true);
      }
      return fn(k, v) || !(stopped = true);
    });
    if (!st.is_ok()) {
      if (storage_error_.is_ok()) storage_error_ = st;
      return st;
    }
    for (; !stopped && buffered(); ++w)
      if (w->second && !fn(w->first.second, *w->second)) break;
    return Status::ok();
  }
  void put(std::string_view store, std::string_view key, std::string value) override {
    if (key.size() > log::ReadView::kMaxStoreKeyBytes) {
      fail_record(invalid_argument("state store key of " + std::to_string(key.size()) +
                                   " bytes is too long"));
      return;
    }
    set({task_store_name(spec_, partition_, store), std::string(key)}, std::move(value));
  }
  void del(std::string_view store, std::string_view key) override {
    if (key.size() > log::ReadView::kMaxStoreKeyBytes) {
      fail_record(invalid_argument("state store key of " + std::to_string(key.size()) +
                                   " bytes is too long"));
      return;
    }
    set({task_store_name(spec_, partition_, store), std::string(key)}, std::nullopt);
  }
  void emit(const std::string& topic, std::optional<std::string> key,
            std::optional<std::string> value, int64_t ts,
            std::optional<PartitionId> partition) override {
    // Checked here, not at commit: an output the log would refuse must cost only its record,
    // not stall the task on a step that can never commit.
    Status st = check_output(topic, key, value, partition);
    if (!st.is_ok()) {
      fail_record(st);
      return;
    }
    outputs_.push_back(Output{topic, std::move(key), std::move(value), ts, partition});
  }
  void after_commit(std::function<void()> fn) override { after_.push_back(std::move(fn)); }

  // Per-record bracketing: begin, process, then either keep or roll back.
  void begin_record() {
    undo_.clear();
    outputs_mark_ = outputs_.size();
    after_mark_ = after_.size();
    record_error_ = Status::ok();
  }
  void rollback_record() {
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
      if (it->second) {
        writes_[it->first] = std::move(*it->second);
      } else {
        writes_.erase(it->first);
      }
    }
    undo_.clear();
    outputs_.resize(outputs_mark_);
    after_.resize(after_mark_);
  }
  const Status& record_error() const { return record_error_; }
  const Status& storage_error() const { return storage_error_; }

  std::map<StoreKey, std::optional<std::string>> writes_;
  std::vector<Output> outputs_;
  std::vector<std::function<void()>> after_;

 private:
  // A committed store value. A key the store cannot hold is this record's fault; anything else
  // is the storage's, and must fail the whole step (to be retried), never skip the record.
  Result<std::optional<std::string>> read(const std::string& name, std::string_view key) {
    auto v = view_.get(name, key);
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
  void fail_record(Status st) {
    if (record_error_.is_ok()) record_error_ = std::move(st);
  }
  void set(StoreKey k, std::optional<std::string> v) {
    auto it = writes_.find(k);
    // Undo entry: the buffered entry before this write (nullopt = none buffered).
    if (it == writes_.end()) {
      undo_.emplace_back(k, std::nullopt);
      writes_.emplace(std::move(k), std::move(v));
    } else {
      undo_.emplace_back(k, it->second);
      it->second = std::move(v);
    }
  }
  Status check_output(const std::string& topic, const std::optional<std::string>& key,
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

  const log::Log& log_;
  const log::ReadView& view_;
  const SubTopology& spec_;
  PartitionId partition_;
  int64_t stream_time_;
  std::map<std::string, log::TopicInfo> topics_;
  std::vector<std::pair<StoreKey, std::optional<std::optional<std::string>>>> undo_;
  size_t outputs_mark_ = 0;
  size_t after_mark_ = 0;
  Status record_error_;
  Status storage_error_;
};

}  // namespace

std::string scoped_store_name(const std::string& sub_topology, PartitionId partition,
                              std::string_view store) {
  return sub_topology + "/" + std::to_string(partition.v) + "/" + std::string(store);
}

std::string global_store_name(std::string_view store) {
  return "global/" + std::string(store);
}

std::string task_store_name(const SubTopology& sub, PartitionId partition, std::string_view store) {
  return sub.global ? global_store_name(store) : scoped_store_name(sub.name, partition, store);
}

std::string task_meta_store_name(const std::string& sub_topology, PartitionId partition) {
  return scoped_store_name(sub_topology, partition, kTaskMetaStore);
}

StreamTask::StreamTask(log::Log& log, const SubTopology& spec, PartitionId partition,
                       size_t max_batch)
    : log_(log), spec_(spec), partition_(partition), max_batch_(std::max<size_t>(max_batch, 1)),
      processor_(spec.make_processor(partition)) {}

std::vector<log::TopicPartition> StreamTask::inputs() const {
  std::vector<log::TopicPartition> out;
  for (const std::string& t : spec_.inputs) {
    if (!spec_.global) {
      out.push_back({t, partition_});
      continue;
    }
    auto info = log_.topic(t);  // a global task reads every partition (none if the topic is gone)
    for (int32_t p = 0; info.ok() && p < info->partitions; ++p) out.push_back({t, PartitionId(p)});
  }
  return out;
}

Result<int64_t> StreamTask::lag() const {
  OS_ASSIGN_OR_RETURN(log::ReadView view, log_.read_view());
  int64_t lag = 0;
  for (const log::TopicPartition& tp : inputs()) {
    OS_ASSIGN_OR_RETURN(log::PartitionInfo info, view.partition_info(tp));
    OS_ASSIGN_OR_RETURN(std::optional<Offset> pos, view.committed(spec_.name, tp));
    lag += info.end.v - std::max(pos.value_or(info.start), info.start).v;
  }
  return lag;
}

Status StreamTask::step(bool* progressed) {
  *progressed = false;
  auto started = Clock::now();
  OS_ASSIGN_OR_RETURN(log::ReadView view, log_.read_view());
  std::string meta_store = task_meta_store_name(spec_.name, partition_);
  if (!stream_time_loaded_) {
    OS_ASSIGN_OR_RETURN(std::optional<std::string_view> t, view.get(meta_store, kStreamTimeKey));
    stream_time_ms_ = t ? std::strtoll(std::string(*t).c_str(), nullptr, 10) : -1;
    stream_time_loaded_ = true;
  }
  // Each input's records after its committed offset, in offset order.
  struct Input {
    std::vector<log::Record> records;
    size_t head = 0;        // next record to process
    Offset scanned_to;      // the offset after the last record read
    bool more = false;      // the partition holds records beyond what was read
  };
  std::vector<log::TopicPartition> tps = inputs();
  std::vector<Input> in(tps.size());
  bool any = false;
  // A damaged input record (Corruption): the records before it are processed and committed,
  // then the step fails naming it. The task never reads past it, so it is neither processed
  // nor skipped; the log has marked its partition failed (/health) and the runtime retries.
  Status damaged;
  for (size_t i = 0; i < tps.size(); ++i) {
    OS_ASSIGN_OR_RETURN(std::optional<Offset> pos, view.committed(spec_.name, tps[i]));
    OS_ASSIGN_OR_RETURN(log::PartitionInfo info, view.partition_info(tps[i]));
    // Kafka's auto.offset.reset=earliest; a position before the start (retention) skips ahead.
    Offset from = std::max(pos.value_or(info.start), info.start);
    in[i].scanned_to = from;
    if (from >= info.end) continue;
    auto scanned = view.scan(tps[i], from, max_batch_, [&](const log::RecordView& r) {
      in[i].records.push_back(log::Record::from_view(r));
      return true;
    });
    if (scanned.ok()) {
      in[i].scanned_to = *scanned;
      in[i].more = in[i].scanned_to < info.end;
    } else if (scanned.status().code() == StatusCode::kCorruption) {
      if (damaged.is_ok()) damaged = scanned.status();
      in[i].scanned_to = in[i].records.empty() ? from : in[i].records.back().offset.next();
      in[i].more = true;  // the merge stops where this input runs out
    } else {
      return scanned.status();
    }
    any |= !in[i].records.empty();
  }
  if (!any) return damaged;
  StepContext ctx(log_, view, spec_, partition_, stream_time_ms_);
  int64_t processed = 0, skipped = 0;
  // Event-time merge across inputs, as Kafka Streams does: always take the input whose next
  // record has the lowest timestamp (ties: the first input), so each partition keeps its own
  // order. Stop when an input that has unread records runs out of read ones: its next record
  // might be earlier than what the other inputs would offer.
  for (;;) {
    size_t pick = tps.size();
    bool starved = false;
    for (size_t i = 0; i < tps.size(); ++i) {
      if (in[i].head == in[i].records.size()) {
        starved |= in[i].more;
        continue;
      }
      if (pick == tps.size() ||
          in[i].records[in[i].head].timestamp_ms < in[pick].records[in[pick].head].timestamp_ms)
        pick = i;
    }
    if (pick == tps.size() || starved) break;
    const log::Record& r = in[pick].records[in[pick].head++];
    ++processed;
    ctx.advance_time(r.timestamp_ms);
    InputRecord rec{tps[pick].topic, tps[pick].partition, r.offset, r.timestamp_ms,
                    r.key ? std::optional<std::string_view>(*r.key) : std::nullopt,
                    r.value ? std::optional<std::string_view>(*r.value) : std::nullopt};
    ctx.begin_record();
    Status st = processor_->process(rec, ctx);
    // A storage failure is not the record's fault: nothing of this step commits; it is retried.
    if (!ctx.storage_error().is_ok()) return ctx.storage_error();
    if (st.is_ok() && !ctx.record_error().is_ok()) st = ctx.record_error();
    if (!st.is_ok()) {
      ctx.rollback_record();
      ++skipped;
      std::fprintf(stderr, "orderstream: %s skipped %s offset %lld: %s\n", spec_.name.c_str(),
                   tps[pick].to_string().c_str(), static_cast<long long>(r.offset.v),
                   st.to_string().c_str());
    }
  }
  if (processed == 0) return damaged;
  if (metrics_.process_seconds) metrics_.process_seconds->observe(seconds_since(started));
  auto commit_started = Clock::now();
  OS_RETURN_IF_ERROR(log_.write([&](log::WriteTxn& w) {
    for (const auto& [k, v] : ctx.writes_) {
      if (v) {
        OS_RETURN_IF_ERROR(w.put(k.first, k.second, *v));
      } else {
        OS_RETURN_IF_ERROR(w.del(k.first, k.second));
      }
    }
    for (const Output& o : ctx.outputs_) {
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
    for (size_t i = 0; i < tps.size(); ++i) {
      const Input& x = in[i];
      if (x.head == 0) continue;  // nothing of this input processed: its position stays
      // Everything read processed: the scan's end (it may skip a compacted gap); else just
      // past the last processed record.
      Offset next = x.head == x.records.size() ? x.scanned_to : x.records[x.head - 1].offset.next();
      OS_RETURN_IF_ERROR(w.commit_offset(spec_.name, tps[i], next));
    }
    if (ctx.stream_time_ms() != stream_time_ms_)
      OS_RETURN_IF_ERROR(w.put(meta_store, kStreamTimeKey, std::to_string(ctx.stream_time_ms())));
    return Status::ok();
  }));
  if (metrics_.commit_seconds) metrics_.commit_seconds->observe(seconds_since(commit_started));
  if (metrics_.processed) metrics_.processed->inc(static_cast<uint64_t>(processed));
  if (metrics_.skipped && skipped > 0) metrics_.skipped->inc(static_cast<uint64_t>(skipped));
  skipped_total_.fetch_add(skipped, std::memory_order_relaxed);
  stream_time_ms_ = ctx.stream_time_ms();
  *progressed = true;
  for (auto& fn : ctx.after_) fn();
  return damaged;
}

}  // namespace orderstream::stream
