#include "stream/runtime.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "log/write_txn.h"

namespace orderstream::stream {

Runtime::Runtime(log::Log& log, const Topology& topology, RuntimeOptions options,
                 metrics::Registry* registry)
    : log_(log), topology_(topology), options_(options), registry_(registry) {}

Runtime::~Runtime() { stop(); }

Status Runtime::init() {
  for (const TopicSpec& t : topology_.topics) {
    if (log_.topic(t.name).ok()) continue;
    Status st = log_.create_topic(t.name, options_.partitions, t.config);
    if (!st.is_ok() && st.code() != StatusCode::kConflict) return st;
  }
  for (const SubTopology& sub : topology_.sub_topologies) {
    int32_t partitions = -1;
    for (const std::string& in : sub.inputs) {
      OS_ASSIGN_OR_RETURN(log::TopicInfo info, log_.topic(in));
      if (!sub.global && partitions >= 0 && info.partitions != partitions)
        return invalid_argument(sub.name + ": input topics are not co-partitioned ('" + in +
                                "' has " + std::to_string(info.partitions) + " partitions, not " +
                                std::to_string(partitions) + ")");
      partitions = sub.global ? 1 : info.partitions;  // a global task reads every partition
    }
    for (int32_t p = 0; p < partitions; ++p) {
      auto task = std::make_unique<StreamTask>(log_, sub, PartitionId(p), options_.max_batch);
      if (registry_) {
        metrics::Labels labels{{"service", sub.service}, {"task", sub.name}, {"partition", std::to_string(p)}};
        task->set_metrics(TaskMetrics{
            &registry_->counter("stream_records_processed_total", "Input records processed", labels),
            &registry_->counter("stream_records_skipped_total", "Input records rejected by the processor (logged)", labels),
            &registry_->histogram("stream_process_seconds", "Time to process one step's batch", labels),
            &registry_->histogram("stream_commit_seconds", "Time to commit one step's transaction", labels),
            &registry_->histogram("stream_record_age_seconds",
                                  "Time from a record's timestamp (the order's POST) to its processing here",
                                  labels)});
        StreamTask* raw = task.get();
        registry_->gauge_fn("stream_consumer_lag", "Records in the task's inputs not yet processed",
                            labels, [raw] {
                              auto lag = raw->lag();
                              return lag.ok() ? static_cast<double>(*lag) : -1.0;
                            });
        registry_->gauge_fn("stream_task_failed",
                            "1 while the task's steps fail (retried with backoff; see /health)",
                            labels, [this, raw] {
                              std::lock_guard lock(failures_mu_);
                              return failures_.count(raw) ? 1.0 : 0.0;
                            });
      }
      tasks_.push_back(std::move(task));
    }
  }
  return Status::ok();
}

void Runtime::start() {
  std::map<std::string, std::vector<StreamTask*>> groups;
  for (size_t i = 0; i < tasks_.size(); ++i) {
    std::string group = options_.threads > 0
                            ? std::to_string(i % static_cast<size_t>(options_.threads))
                            : tasks_[i]->spec().service;
    groups[group].push_back(tasks_[i].get());
  }
  for (auto& [name, tasks] : groups) threads_.emplace_back([this, t = tasks] { thread_main(t); });
}

void Runtime::thread_main(std::vector<StreamTask*> tasks) {
  using Clock = std::chrono::steady_clock;
  // A failed step is retried after its task's backoff, not at every commit of the others: a
  // task stuck on a damaged record or a full disk must not make its thread spin.
  std::vector<Clock::time_point> not_before(tasks.size());
  auto failed = [&](size_t i, const Status& st) {
    not_before[i] = Clock::now() + note_step(*tasks[i], st);
  };
  while (!stopping_.load(std::memory_order_acquire)) {
    uint64_t seen = log_.version();
    Clock::time_point wake_at = Clock::now() + std::chrono::seconds(1);
    // One round: every task prepares its step from one snapshot, and all the prepared steps
    // commit in one transaction (one fdatasync in durable mode), each still atomic.
    bool progressed = false;
    {
      auto view = log_.read_view();
      // Declared after the snapshot, so the prepared steps (views into it) die first.
      std::vector<std::pair<size_t, std::unique_ptr<PreparedStep>>> ready;
      if (!view.ok()) {
        for (size_t i = 0; i < tasks.size(); ++i) failed(i, view.status());
      } else {
        for (size_t i = 0; i < tasks.size(); ++i) {
          if (stopping_.load(std::memory_order_acquire)) return;
          if (not_before[i] > Clock::now()) continue;
          auto step = tasks[i]->prepare(*view);
          if (!step.ok()) {
            failed(i, step.status());
          } else if (*step) {
            ready.emplace_back(i, std::move(*step));
          } else {
            (void)note_step(*tasks[i], Status::ok());
          }
        }
        progressed = !ready.empty();
        commit_round(tasks, ready, failed);
      }
    }
    for (size_t i = 0; i < tasks.size(); ++i)
      if (not_before[i] > Clock::now()) wake_at = std::min(wake_at, not_before[i]);
    if (!progressed) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(wake_at - Clock::now());
      if (left.count() > 0) log_.wait_for_change(seen, left);
    }
  }
}

void Runtime::commit_round(const std::vector<StreamTask*>& tasks,
                           std::vector<std::pair<size_t, std::unique_ptr<PreparedStep>>>& ready,
                           const std::function<void(size_t, const Status&)>& failed) {
  if (ready.empty()) return;
  auto started = std::chrono::steady_clock::now();
  Status st = log_.write([&](log::WriteTxn& w) {
    for (const auto& [i, step] : ready) OS_RETURN_IF_ERROR(tasks[i]->write_to(*step, w));
    return Status::ok();
  });
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // A failed joint commit is retried task by task, so that one task's failure (a full disk
  // aside, which fails them all) does not hold back the others.
  for (auto& [i, step] : ready) {
    Status own = st;
    if (!st.is_ok() && ready.size() > 1)
      own = log_.write([&, &s = *step, t = tasks[i]](log::WriteTxn& w) { return t->write_to(s, w); });
    if (!own.is_ok()) {
      failed(i, own);
      continue;
    }
    tasks[i]->note_commit(seconds);
    Status after = tasks[i]->finish(*step);
    if (after.is_ok()) {
      (void)note_step(*tasks[i], after);
    } else {
      failed(i, after);
    }
  }
}

std::chrono::milliseconds Runtime::note_step(const StreamTask& task, const Status& st) {
  std::lock_guard lock(failures_mu_);
  auto it = failures_.find(&task);
  if (st.is_ok()) {
    if (it != failures_.end()) {
      std::fprintf(stderr, "orderstream: task %s/%d: recovered after %lld failed steps\n",
                   task.name().c_str(), task.partition().v,
                   static_cast<long long>(it->second.failures));
      failures_.erase(it);
    }
    return std::chrono::milliseconds(0);
  }
  if (it == failures_.end())
    it = failures_.emplace(&task, TaskFailure{task.name(), task.spec().service, task.partition(), st, 0})
             .first;
  TaskFailure& f = it->second;
  if (count_failure(f, st))
    std::fprintf(stderr, "orderstream: task %s/%d: %s (failed %lld times; retrying)\n",
                 task.name().c_str(), task.partition().v, st.to_string().c_str(),
                 static_cast<long long>(f.failures));
  return failure_backoff(f.failures);
}

std::vector<TaskFailure> Runtime::failed_tasks() const {
  std::lock_guard lock(failures_mu_);
  std::vector<TaskFailure> out;
  for (const auto& [task, f] : failures_) out.push_back(f);
  return out;
}

void Runtime::stop() {
  stopping_.store(true, std::memory_order_release);
  if (threads_.empty()) return;
  // Wake threads waiting for records. An empty commit bumps the log's version without shutting
  // the log down, which would make every later wait on it (another runtime, the HTTP layer)
  // return at once. If the log refuses writes, the threads' waits end by their timeout anyway.
  (void)log_.write([](log::WriteTxn&) { return Status::ok(); });
  for (auto& t : threads_) t.join();
  threads_.clear();
}

Status Runtime::run_until_idle(int max_rounds) {
  for (int round = 0; round < max_rounds; ++round) {
    bool any = false;
    for (auto& t : tasks_) {
      bool progressed = false;
      OS_RETURN_IF_ERROR(t->step(&progressed));
      any |= progressed;
    }
    if (!any) return Status::ok();
  }
  return aborted("run_until_idle: still making progress after " + std::to_string(max_rounds) + " rounds");
}

Status Runtime::reset_service(log::Log& log, const Topology& topology, const std::string& service,
                              int32_t partitions) {
  bool found = false;
  Status st = log.write([&](log::WriteTxn& w) {
    for (const SubTopology& sub : topology.sub_topologies) {
      if (sub.service != service) continue;
      found = true;
      int32_t tasks = 0;
      for (const std::string& in : sub.inputs) {
        auto info = log.topic(in);
        int32_t n = info.ok() ? info->partitions : partitions;
        tasks = std::max(tasks, n);
        for (int32_t p = 0; p < n; ++p) OS_RETURN_IF_ERROR(w.delete_offset(sub.name, {in, PartitionId(p)}));
      }
      if (sub.global) tasks = 1;
      for (int32_t p = 0; p < tasks; ++p) {
        for (const std::string& store : sub.stores)
          OS_RETURN_IF_ERROR(w.clear_store(task_store_name(sub, PartitionId(p), store)));
        OS_RETURN_IF_ERROR(w.del(kStreamTimeStore, task_key(sub.name, PartitionId(p))));
        OS_RETURN_IF_ERROR(w.clear_store(legacy_task_meta_store_name(sub.name, PartitionId(p))));
      }
    }
    return Status::ok();
  });
  OS_RETURN_IF_ERROR(st);
  if (!found) return not_found("no service named '" + service + "'");
  return Status::ok();
}

}  // namespace orderstream::stream
