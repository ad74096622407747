#include "stream/task.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "log/read_view.h"
#include "log/write_txn.h"

namespace orderstream::stream {
namespace {

using Clock = std::chrono::steady_clock;

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

// The TaskContext of one step: state writes are buffered over the step's read snapshot.
class StepContext final : public TaskContext {
 public:
  StepContext(const log::ReadView& view, const SubTopology& spec, PartitionId p, int64_t stream_time)
      : view_(view), spec_(spec), partition_(p), stream_time_(stream_time) {}

  PartitionId partition() const override { return partition_; }
  int64_t stream_time_ms() const override { return stream_time_; }
  void advance_time(int64_t ts) { stream_time_ = std::max(stream_time_, ts); }

  Result<std::optional<std::string>> get(std::string_view store, std::string_view key) override {
    std::string name = scoped_store_name(spec_.name, partition_, store);
    auto it = writes_.find({name, std::string(key)});
    if (it != writes_.end()) return it->second;
    OS_ASSIGN_OR_RETURN(std::optional<std::string_view> v, view_.get(name, key));
    if (!v) return std::optional<std::string>();
    return std::optional<std::string>(std::string(*v));
  }
  void put(std::string_view store, std::string_view key, std::string value) override {
    writes_[{scoped_store_name(spec_.name, partition_, store), std::string(key)}] = std::move(value);
  }
  void del(std::string_view store, std::string_view key) override {
    writes_[{scoped_store_name(spec_.name, partition_, store), std::string(key)}] = std::nullopt;
  }
  void emit(const std::string& topic, std::optional<std::string> key,
            std::optional<std::string> value, int64_t ts,
            std::optional<PartitionId> partition) override {
    outputs_.push_back(Output{topic, std::move(key), std::move(value), ts, partition});
  }
  void after_commit(std::function<void()> fn) override { after_.push_back(std::move(fn)); }

  std::map<std::pair<std::string, std::string>, std::optional<std::string>> writes_;
  std::vector<Output> outputs_;
  std::vector<std::function<void()>> after_;

 private:
  const log::ReadView& view_;
  const SubTopology& spec_;
  PartitionId partition_;
  int64_t stream_time_;
};

}  // namespace

std::string scoped_store_name(const std::string& sub_topology, PartitionId partition,
                              std::string_view store) {
  return sub_topology + "/" + std::to_string(partition.v) + "/" + std::string(store);
}

StreamTask::StreamTask(log::Log& log, const SubTopology& spec, PartitionId partition,
                       size_t max_batch)
    : log_(log), spec_(spec), partition_(partition), max_batch_(max_batch),
      processor_(spec.make_processor(partition)) {}

std::vector<log::TopicPartition> StreamTask::inputs() const {
  std::vector<log::TopicPartition> out;
  for (const std::string& t : spec_.inputs) out.push_back({t, partition_});
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
  struct Pending {
    size_t input;
    log::Record record;
  };
  std::vector<Pending> batch;
  std::vector<log::TopicPartition> tps = inputs();
  std::vector<Offset> next(tps.size());
  for (size_t i = 0; i < tps.size(); ++i) {
    OS_ASSIGN_OR_RETURN(std::optional<Offset> pos, view.committed(spec_.name, tps[i]));
    OS_ASSIGN_OR_RETURN(log::PartitionInfo info, view.partition_info(tps[i]));
    // Kafka's auto.offset.reset=earliest; a position before the start (retention) skips ahead.
    Offset from = std::max(pos.value_or(info.start), info.start);
    next[i] = from;
    if (from >= info.end) continue;
    OS_ASSIGN_OR_RETURN(next[i], view.scan(tps[i], from, max_batch_, [&](const log::RecordView& r) {
                          batch.push_back(Pending{i, log::Record::from_view(r)});
                          return true;
                        }));
  }
  if (batch.empty()) return Status::ok();
  // Event-time order across inputs (Kafka Streams picks the lowest head timestamp); stable so
  // each partition's own order is kept.
  std::stable_sort(batch.begin(), batch.end(), [](const Pending& a, const Pending& b) {
    return a.record.timestamp_ms < b.record.timestamp_ms;
  });
  StepContext ctx(view, spec_, partition_, stream_time_ms_);
  int64_t skipped = 0;
  for (const Pending& p : batch) {
    const log::Record& r = p.record;
    ctx.advance_time(r.timestamp_ms);
    InputRecord in{tps[p.input].topic, partition_, r.offset, r.timestamp_ms,
                   r.key ? std::optional<std::string_view>(*r.key) : std::nullopt,
                   r.value ? std::optional<std::string_view>(*r.value) : std::nullopt};
    Status st = processor_->process(in, ctx);
    if (!st.is_ok()) {
      ++skipped;
      std::fprintf(stderr, "orderstream: %s skipped %s offset %lld: %s\n", spec_.name.c_str(),
                   tps[p.input].to_string().c_str(), static_cast<long long>(r.offset.v),
                   st.to_string().c_str());
    }
  }
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
    for (size_t i = 0; i < tps.size(); ++i) OS_RETURN_IF_ERROR(w.commit_offset(spec_.name, tps[i], next[i]));
    return Status::ok();
  }));
  if (metrics_.commit_seconds) metrics_.commit_seconds->observe(seconds_since(commit_started));
  if (metrics_.processed) metrics_.processed->inc(batch.size());
  if (metrics_.skipped && skipped > 0) metrics_.skipped->inc(static_cast<uint64_t>(skipped));
  stream_time_ms_ = ctx.stream_time_ms();
  *progressed = true;
  for (auto& fn : ctx.after_) fn();
  return Status::ok();
}

}  // namespace orderstream::stream
