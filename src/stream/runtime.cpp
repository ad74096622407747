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
            &registry_->histogram("stream_commit_seconds", "Time to commit one step's transaction", labels)});
        StreamTask* raw = task.get();
        registry_->gauge_fn("stream_consumer_lag", "Records in the task's inputs not yet processed",
                            labels, [raw] {
                              auto lag = raw->lag();
                              return lag.ok() ? static_cast<double>(*lag) : -1.0;
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
  while (!stopping_.load(std::memory_order_acquire)) {
    uint64_t seen = log_.version();
    bool any = false, failed = false;
    for (StreamTask* t : tasks) {
      if (stopping_.load(std::memory_order_acquire)) return;
      bool progressed = false;
      Status st = t->step(&progressed);
      if (!st.is_ok()) {
        // Nothing of the step was committed: it is retried after a pause (e.g. once disk
        // space is back). The records are not lost, only delayed.
        std::fprintf(stderr, "orderstream: task %s/%d: %s (will retry)\n", t->name().c_str(),
                     t->partition().v, st.to_string().c_str());
        failed = true;
      }
      any |= progressed;
    }
    if (failed) {
      log_.wait_for_change(log_.version(), std::chrono::milliseconds(500));
    } else if (!any) {
      log_.wait_for_change(seen, std::chrono::milliseconds(1000));
    }
  }
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
        OS_RETURN_IF_ERROR(w.clear_store(task_meta_store_name(sub.name, PartitionId(p))));
      }
    }
    return Status::ok();
  });
  OS_RETURN_IF_ERROR(st);
  if (!found) return not_found("no service named '" + service + "'");
  return Status::ok();
}

}  // namespace orderstream::stream
