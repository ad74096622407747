#include "stream/task.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "common/guarded.h"
#include "log/read_view.h"
#include "log/record_format.h"
#include "log/write_txn.h"

namespace orderstream::stream {
namespace {

using Clock = std::chrono::steady_clock;

// The task's stream time is committed with each step so that a restarted task resumes with
// the same stream time (processing stays deterministic). Before kStreamTimeStore it was in a
// store of its own per task, under this name and key.
constexpr std::string_view kTaskMetaStore = "__task";
constexpr std::string_view kStreamTimeKey = "stream-time";

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

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

std::string task_key(const std::string& sub_topology, PartitionId partition) {
  return sub_topology + "/" + std::to_string(partition.v);
}

std::string legacy_task_meta_store_name(const std::string& sub_topology, PartitionId partition) {
  return scoped_store_name(sub_topology, partition, kTaskMetaStore);
}

StreamTask::StreamTask(log::Log& log, const SubTopology& spec, PartitionId partition,
                       size_t max_batch)
    : log_(log), spec_(spec), partition_(partition), max_batch_(std::max<size_t>(max_batch, 1)),
      processor_(spec.make_processor(partition)),
      task_key_(task_key(spec.name, partition)) {}

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
  OS_ASSIGN_OR_RETURN(log::ReadView view, log_.read_view());
  OS_ASSIGN_OR_RETURN(std::unique_ptr<PreparedStep> step, prepare(view));
  if (!step) return Status::ok();
  auto commit_started = Clock::now();
  OS_RETURN_IF_ERROR(log_.write([&](log::WriteTxn& w) { return write_to(*step, w); }));
  if (metrics_.commit_seconds) metrics_.commit_seconds->observe(seconds_since(commit_started));
  *progressed = true;
  return finish(*step);
}

Result<std::unique_ptr<PreparedStep>> StreamTask::prepare(const log::ReadView& view) {
  auto started = Clock::now();
  Status damaged;
  OS_ASSIGN_OR_RETURN(std::vector<TaskInput> in, read_inputs(view, &damaged));
  return process(view, std::move(in), std::move(damaged), started);
}

Result<std::vector<TaskInput>> StreamTask::read_inputs(const log::ReadView& view, Status* damaged) const {
  // Each input's records after its committed offset, in offset order. The views point into
  // the snapshot's pages, valid while `view` lives: no copy per record.
  std::vector<log::TopicPartition> tps = inputs();
  std::vector<TaskInput> in(tps.size());
  // A damaged input record (Corruption): the records before it are processed and committed,
  // then the step fails naming it. The task never reads past it, so it is neither processed
  // nor skipped; the log has marked its partition failed (/health) and the runtime retries.
  for (size_t i = 0; i < tps.size(); ++i) {
    in[i].tp = tps[i];
    OS_ASSIGN_OR_RETURN(std::optional<Offset> pos, view.committed(spec_.name, tps[i]));
    OS_ASSIGN_OR_RETURN(log::PartitionInfo info, view.partition_info(tps[i]));
    // Kafka's auto.offset.reset=earliest; a position before the start (retention) skips ahead.
    Offset from = std::max(pos.value_or(info.start), info.start);
    in[i].scanned_to = from;
    if (from >= info.end) continue;
    auto scanned = view.scan(tps[i], from, max_batch_, [&](const log::RecordView& r) {
      in[i].records.push_back(r);
      return true;
    });
    if (scanned.ok()) {
      in[i].scanned_to = *scanned;
      in[i].more = in[i].scanned_to < info.end;
    } else if (scanned.status().code() == StatusCode::kCorruption) {
      if (damaged->is_ok()) *damaged = scanned.status();
      in[i].scanned_to = in[i].records.empty() ? from : in[i].records.back().offset.next();
      in[i].more = true;  // the merge stops where this input runs out
    } else {
      return scanned.status();
    }
  }
  return in;
}

Result<std::unique_ptr<PreparedStep>> StreamTask::process(const log::ReadView& view, std::vector<TaskInput> in,
                                                          Status damaged, Clock::time_point started) {
  if (!stream_time_loaded_) {
    OS_ASSIGN_OR_RETURN(std::optional<std::string_view> t, view.get(kStreamTimeStore, task_key_));
    if (!t) {  // a log written before kStreamTimeStore
      OS_ASSIGN_OR_RETURN(t, view.get(legacy_task_meta_store_name(spec_.name, partition_), kStreamTimeKey));
    }
    stream_time_ms_ = t ? std::strtoll(std::string(*t).c_str(), nullptr, 10) : -1;
    stream_time_loaded_ = true;
  }
  bool any = std::any_of(in.begin(), in.end(), [](const TaskInput& x) { return x.head < x.records.size(); });
  if (!any) {
    if (!damaged.is_ok()) return damaged;
    return std::unique_ptr<PreparedStep>();
  }
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  auto step = std::make_unique<PreparedStep>(log_, view, spec_, partition_, stream_time_ms_);
  step->started = started;
  StepContext& ctx = step->ctx;
  // Event-time merge across inputs, as Kafka Streams does: always take the input whose next
  // record has the lowest timestamp (ties: the first input), so each partition keeps its own
  // order. Stop when an input that has unread records runs out of read ones: its next record
  // might be earlier than what the other inputs would offer.
  for (;;) {
    size_t pick = in.size();
    bool starved = false;
    for (size_t i = 0; i < in.size(); ++i) {
      if (in[i].head == in[i].records.size()) {
        starved |= in[i].more;
        continue;
      }
      if (pick == in.size() ||
          in[i].records[in[i].head].timestamp_ms < in[pick].records[in[pick].head].timestamp_ms)
        pick = i;
    }
    if (pick == in.size() || starved) break;
    const log::TopicPartition& tp = in[pick].tp;
    const log::RecordView& r = in[pick].records[in[pick].head++];
    ++step->processed;
    ctx.advance_time(r.timestamp_ms);
    if (metrics_.record_age_seconds && r.timestamp_ms > 0)
      metrics_.record_age_seconds->observe(static_cast<double>(std::max<int64_t>(now_ms - r.timestamp_ms, 0)) / 1000.0);
    InputRecord rec{tp.topic, tp.partition, r.offset, r.timestamp_ms, r.key, r.value};
    ctx.begin_record();
    Status st = processor_->process(rec, ctx);
    // A storage failure is not the record's fault: nothing of this step commits; it is retried.
    if (!ctx.storage_error().is_ok()) return ctx.storage_error();
    if (st.is_ok() && !ctx.record_error().is_ok()) st = ctx.record_error();
    if (!st.is_ok()) {
      ctx.rollback_record();
      ++step->skipped;
      std::fprintf(stderr, "orderstream: %s skipped %s offset %lld: %s\n", spec_.name.c_str(),
                   tp.to_string().c_str(), static_cast<long long>(r.offset.v),
                   st.to_string().c_str());
    }
  }
  if (step->processed == 0) {
    if (!damaged.is_ok()) return damaged;
    return std::unique_ptr<PreparedStep>();
  }
  for (const TaskInput& x : in) {
    if (x.head == 0) continue;  // nothing of this input processed: its position stays
    // Everything read processed: the scan's end (it may skip a compacted gap); else just
    // past the last processed record.
    Offset next = x.head == x.records.size() ? x.scanned_to : x.records[x.head - 1].offset.next();
    step->positions.emplace_back(x.tp, next);
  }
  step->damaged = damaged;
  ctx.seal();
  if (metrics_.process_seconds) metrics_.process_seconds->observe(seconds_since(started));
  return step;
}

Status StreamTask::write_to(const PreparedStep& step, log::WriteTxn& w) const {
  OS_RETURN_IF_ERROR(write_state_to(step, w));
  return step.ctx.write_outputs_to(w);
}

Status StreamTask::write_state_to(const PreparedStep& step, log::WriteTxn& w) const {
  OS_RETURN_IF_ERROR(step.ctx.write_state_to(w));
  for (const auto& [tp, next] : step.positions) OS_RETURN_IF_ERROR(w.commit_offset(spec_.name, tp, next));
  if (step.ctx.stream_time_ms() != stream_time_ms_)
    OS_RETURN_IF_ERROR(w.put(kStreamTimeStore, task_key_, std::to_string(step.ctx.stream_time_ms())));
  return Status::ok();
}

Status StreamTask::finish(PreparedStep& step) {
  if (metrics_.processed) metrics_.processed->inc(static_cast<uint64_t>(step.processed));
  if (metrics_.skipped && step.skipped > 0) metrics_.skipped->inc(static_cast<uint64_t>(step.skipped));
  skipped_total_.fetch_add(step.skipped, std::memory_order_relaxed);
  stream_time_ms_ = step.ctx.stream_time_ms();
  for (auto& fn : step.ctx.after()) run_guarded("stream task after_commit", fn);
  return step.damaged;
}

}  // namespace orderstream::stream
