#include "cluster/task_worker.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "cluster/partition_reader.h"
#include "cluster/pending_input.h"
#include "cluster/step_records.h"
#include "log/read_view.h"
#include "log/write_txn.h"

namespace orderstream::cluster {

TaskWorker::TaskWorker(log::Log& local, const stream::SubTopology& sub, const KafkaBackendOptions& options)
    : local_(local), sub_(sub), options_(options), group_(options.application_id + "-" + sub.name) {}

TaskWorker::~TaskWorker() {
  tasks_.clear();
  consumer_.reset();  // leaves the group
  producer_.reset();
}

void TaskWorker::run(const std::atomic<bool>& stopping) {
  while (!stopping.load(std::memory_order_acquire)) {
    if (!consumer_ || !producer_) {
      if (Clock::now() < connect_not_before_) {
        std::this_thread::sleep_for(std::min<Clock::duration>(options_.poll_wait, connect_not_before_ - Clock::now()));
        continue;
      }
      Status st = connect();
      note(-1, st, &connect_not_before_);
      if (!st.is_ok()) continue;
    }
    std::vector<PartitionBatch> batches;
    Status st = consumer_->poll(options_.poll_wait, options_.max_batch * sub_.inputs.size(), &batches);
    if (!st.is_ok()) {  // e.g. an input topic missing on the cluster: logged, polled again
      note(-1, st, &connect_not_before_);
      std::this_thread::sleep_for(options_.poll_wait);
      continue;
    }
    if (consumer_->generation() != seen_generation_ || consumer_->revocations() != seen_revocations_) {
      seen_generation_ = consumer_->generation();
      seen_revocations_ = consumer_->revocations();
      sync_tasks();
    }
    take(batches);
    for (auto& [p, t] : tasks_) {
      if (stopping.load(std::memory_order_acquire)) break;
      if (!producer_ || Clock::now() < t.not_before) continue;
      if (!t.task || t.stale) {
        Status ready = make_ready(p, t);
        note(p, ready, &t.not_before);
        if (!ready.is_ok()) continue;
      }
      // Steps until the task's polled records are committed, so a big batch is not held
      // back by the next poll's wait.
      for (bool progressed = true; progressed && producer_;) {
        Status sst = step(p, t, &progressed);
        note(p, sst, &t.not_before);
        if (!sst.is_ok()) break;
      }
    }
  }
}

Status TaskWorker::connect() {
  if (!producer_ || producer_->failed()) {
    producer_.reset();
    // The id is stable per instance and sub-topology, so a restarted instance fences its own
    // earlier incarnation's open transaction instead of leaving it to time out.
    OS_ASSIGN_OR_RETURN(producer_, TransactionalProducer::open(options_.client, options_.application_id + "-" +
                                                                                     options_.instance_id + "-" + sub_.name));
  }
  if (!consumer_) {
    OS_ASSIGN_OR_RETURN(consumer_, GroupConsumer::open(options_.client, group_, sub_.inputs));
    seen_generation_ = seen_revocations_ = 0;
  }
  return Status::ok();
}

void TaskWorker::sync_tasks() {
  // Every record polled before a revoke is read again from the committed offsets.
  for (auto& [p, t] : tasks_)
    for (auto& q : t.pending) q.clear();
  std::set<int32_t> want;
  std::map<int32_t, size_t> inputs_of;  // partition number -> inputs assigned with it
  for (const auto& [topic, p] : consumer_->assignment()) ++inputs_of[p];
  for (const auto& [p, n] : inputs_of) {
    if (n == sub_.inputs.size()) {
      want.insert(p);
    } else {
      std::fprintf(stderr, "orderstream: %s: partition %d of only %zu of its %zu inputs assigned (are they co-partitioned?)\n",
                   sub_.name.c_str(), p, n, sub_.inputs.size());
    }
  }
  for (auto it = tasks_.begin(); it != tasks_.end();) it = want.count(it->first) ? std::next(it) : tasks_.erase(it);
  {
    std::lock_guard lock(mu_);
    for (auto it = failures_.begin(); it != failures_.end();)
      it = it->first >= 0 && !want.count(it->first) ? failures_.erase(it) : std::next(it);
  }
  for (int32_t p : want) {
    Task& t = tasks_[p];
    t.pending.resize(sub_.inputs.size());
    t.committed.resize(sub_.inputs.size());
    // Checked against the group's offsets before its next step: someone else may have run it
    // since our last commit, leaving our state and positions behind.
    t.stale = true;
  }
  publish_owned();
}

Status TaskWorker::make_ready(int32_t p, Task& t) {
  t.task.reset();
  publish_owned();
  // The group's offsets, asked here and nowhere else: after a rebalance they tell whether
  // another instance ran the task meanwhile; after a failed commit whose outcome is unknown (a
  // commit that timed out may have gone through) whether the step is on the cluster. Either way
  // the local state is then behind them and restored, instead of steps being done twice.
  for (size_t i = 0; i < sub_.inputs.size(); ++i) {
    OS_ASSIGN_OR_RETURN(auto offsets, committed_offsets(consumer_->client(), sub_.inputs[i], {p}));
    t.committed[i] = offsets.at(0);
    std::deque<log::Record>& q = t.pending[i];
    while (!q.empty() && q.front().offset.v < t.committed[i].value_or(0)) q.pop_front();
  }
  OS_ASSIGN_OR_RETURN(bool current, local_state_current(local_, sub_, PartitionId(p), t.committed,
                                                        consumer_->client(), options_.application_id));
  if (!current) {
    int64_t restored = 0;
    OS_RETURN_IF_ERROR(restore_task_state(local_, options_.client, options_.application_id, sub_, PartitionId(p),
                                          t.committed, &restored));
    restored_.fetch_add(restored, std::memory_order_relaxed);
    std::fprintf(stderr, "orderstream: %s/%d: state restored from the changelog (%lld records)\n", sub_.name.c_str(), p,
                 static_cast<long long>(restored));
  }
  t.stale = false;
  t.task = std::make_unique<stream::StreamTask>(local_, sub_, PartitionId(p), options_.max_batch);
  publish_owned();
  return Status::ok();
}

void TaskWorker::take(std::vector<PartitionBatch>& batches) {
  std::map<std::string_view, size_t> input_index;
  for (size_t i = 0; i < sub_.inputs.size(); ++i) input_index[sub_.inputs[i]] = i;
  for (PartitionBatch& b : batches) {
    auto t = tasks_.find(b.tp.second);
    auto in = input_index.find(b.tp.first);
    if (t == tasks_.end() || in == input_index.end()) continue;  // not (or no longer) ours
    std::deque<log::Record>& q = t->second.pending[in->second];
    for (log::Record& r : b.records) {
      // Only records after what is pending or committed: a record read twice (a refetch)
      // must not be processed twice.
      int64_t next = q.empty() ? t->second.committed[in->second].value_or(0) : q.back().offset.v + 1;
      if (r.offset.v >= next) q.push_back(std::move(r));
    }
  }
}

Status TaskWorker::step(int32_t p, Task& t, bool* progressed) {
  *progressed = false;
  std::vector<stream::TaskInput> in(sub_.inputs.size());
  bool any = false;
  for (size_t i = 0; i < in.size(); ++i) {
    in[i].tp = {sub_.inputs[i], PartitionId(p)};
    in[i].scanned_to = Offset(t.committed[i].value_or(0));
    any |= take_pending(t.pending[i], options_.max_batch, &in[i]);
  }
  if (!any) return Status::ok();
  OS_ASSIGN_OR_RETURN(log::ReadView view, local_.read_view());
  OS_ASSIGN_OR_RETURN(std::unique_ptr<stream::PreparedStep> step,
                      t.task->process(view, std::move(in), Status::ok(), Clock::now()));
  if (!step) return Status::ok();
  auto started = Clock::now();
  Status st = producer_->commit_step(step_records(*step, sub_, PartitionId(p), options_.application_id),
                                     step_positions(*step), consumer_->client());
  if (!st.is_ok()) {
    if (producer_->failed()) producer_.reset();  // reopened (fencing the old one) by the next round
    t.stale = true;  // checked against the group's offsets before its next step
    return st;
  }
  *progressed = true;
  // Committed on the cluster: the pending records it covers are done, whatever happens here.
  for (const auto& [tp, next] : step->positions) {
    size_t i = static_cast<size_t>(std::find(sub_.inputs.begin(), sub_.inputs.end(), tp.topic) - sub_.inputs.begin());
    t.committed[i] = next.v;
    std::deque<log::Record>& q = t.pending[i];
    while (!q.empty() && q.front().offset < next) q.pop_front();
  }
  Status local = local_.write([&](log::WriteTxn& w) { return t.task->write_state_to(*step, w); });
  if (!local.is_ok()) {
    t.stale = true;  // behind the group's offsets: restored before its next step
    return local;
  }
  t.task->note_commit(std::chrono::duration<double>(Clock::now() - started).count());
  return t.task->finish(*step);
}

void TaskWorker::note(int32_t p, const Status& st, Clock::time_point* not_before) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(p);
  if (st.is_ok()) {
    if (it != failures_.end()) {
      std::fprintf(stderr, "orderstream: %s%s: recovered after %lld failed attempts\n", sub_.name.c_str(),
                   p >= 0 ? ("/" + std::to_string(p)).c_str() : "", static_cast<long long>(it->second.failures));
      failures_.erase(it);
    }
    *not_before = Clock::time_point{};
    return;
  }
  if (it == failures_.end())
    it = failures_.emplace(p, stream::TaskFailure{sub_.name, sub_.service, PartitionId(p), st, 0}).first;
  stream::TaskFailure& f = it->second;
  if (stream::count_failure(f, st))
    std::fprintf(stderr, "orderstream: %s%s: %s (failed %lld times; retrying)\n", sub_.name.c_str(),
                 p >= 0 ? ("/" + std::to_string(p)).c_str() : "", st.to_string().c_str(),
                 static_cast<long long>(f.failures));
  *not_before = Clock::now() + stream::failure_backoff(f.failures);
}

void TaskWorker::publish_owned() {
  std::set<int32_t> owned;
  for (const auto& [p, t] : tasks_)
    if (t.task && !t.stale) owned.insert(p);
  std::lock_guard lock(mu_);
  owned_ = std::move(owned);
}

std::set<int32_t> TaskWorker::owned() const {
  std::lock_guard lock(mu_);
  return owned_;
}

bool TaskWorker::owns(int32_t partition) const {
  std::lock_guard lock(mu_);
  return owned_.count(partition) > 0;
}

std::vector<stream::TaskFailure> TaskWorker::failures() const {
  std::lock_guard lock(mu_);
  std::vector<stream::TaskFailure> out;
  for (const auto& [p, f] : failures_) out.push_back(f);
  return out;
}

}  // namespace orderstream::cluster
