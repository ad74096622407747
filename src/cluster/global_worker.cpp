#include "cluster/global_worker.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "cluster/pending_input.h"
#include "log/read_view.h"
#include "log/write_txn.h"

namespace orderstream::cluster {

GlobalWorker::GlobalWorker(log::Log& local, const stream::SubTopology& sub, const KafkaBackendOptions& options)
    : local_(local), sub_(sub), options_(options) {}

GlobalWorker::~GlobalWorker() {
  for (Input& in : inputs_) in.reader.reset();  // before their clients
}

void GlobalWorker::run(const std::atomic<bool>& stopping) {
  while (!stopping.load(std::memory_order_acquire)) {
    if (Clock::now() < not_before_) {
      std::this_thread::sleep_for(std::min<Clock::duration>(options_.poll_wait, not_before_ - Clock::now()));
      continue;
    }
    if (inputs_.empty()) {
      Status st = connect();
      note(st);
      if (!st.is_ok()) continue;
    }
    Status st;
    for (size_t i = 0; i < inputs_.size() && st.is_ok(); ++i) {
      // Only the first input waits: the others take what is there.
      st = inputs_[i].reader->poll(
          i == 0 ? options_.poll_wait : std::chrono::milliseconds(0),
          [&](int32_t p, const log::RecordView& r) {
            auto it = index_.find({sub_.inputs[i], p});
            if (it != index_.end()) pending_[it->second].push_back(log::Record::from_view(r));
            return true;
          },
          [](int32_t) {});
    }
    for (bool progressed = st.is_ok(); progressed && st.is_ok();) st = step(&progressed);
    note(st);
  }
}

Status GlobalWorker::connect() {
  task_ = std::make_unique<stream::StreamTask>(local_, sub_, PartitionId(0), options_.max_batch);
  tps_ = task_->inputs();
  index_.clear();
  pending_.assign(tps_.size(), {});
  for (size_t i = 0; i < tps_.size(); ++i) index_[{tps_[i].topic, tps_[i].partition.v}] = i;
  OS_ASSIGN_OR_RETURN(log::ReadView view, local_.read_view());
  std::vector<Input> inputs;
  ClientOptions o = options_.client;
  o.properties.insert(o.properties.begin(), {"isolation.level", "read_committed"});
  for (const std::string& topic : sub_.inputs) {
    Input in;
    OS_ASSIGN_OR_RETURN(in.client, KafkaClient::create(KafkaClient::Kind::kConsumer, o));
    in.reader = std::make_unique<PartitionReader>(*in.client, topic);
    std::vector<PartitionStart> starts;
    for (const log::TopicPartition& tp : tps_) {
      if (tp.topic != topic) continue;
      OS_ASSIGN_OR_RETURN(std::optional<Offset> pos, view.committed(sub_.name, tp));
      starts.push_back({tp.partition.v, pos ? pos->v : kOffsetBeginning});
    }
    OS_RETURN_IF_ERROR(in.reader->assign(starts));
    inputs.push_back(std::move(in));
  }
  inputs_ = std::move(inputs);
  return Status::ok();
}

Status GlobalWorker::step(bool* progressed) {
  *progressed = false;
  std::vector<stream::TaskInput> in(tps_.size());
  bool any = false;
  for (size_t i = 0; i < tps_.size(); ++i) {
    in[i].tp = tps_[i];
    any |= take_pending(pending_[i], options_.max_batch, &in[i]);
  }
  if (!any) return Status::ok();
  OS_ASSIGN_OR_RETURN(log::ReadView view, local_.read_view());
  OS_ASSIGN_OR_RETURN(std::unique_ptr<stream::PreparedStep> step,
                      task_->process(view, std::move(in), Status::ok(), Clock::now()));
  if (!step) return Status::ok();
  // A GlobalKTable only fills its stores; emitting from it would need a transaction per
  // instance for the same input, each writing the records again.
  if (!step->ctx.outputs().empty())
    return invalid_argument(sub_.name + ": a global sub-topology emitted records; on the Kafka backend it may only "
                            "fill its stores");
  OS_RETURN_IF_ERROR(local_.write([&](log::WriteTxn& w) { return task_->write_state_to(*step, w); }));
  *progressed = true;
  for (const auto& [tp, next] : step->positions) {
    std::deque<log::Record>& q = pending_[index_.at({tp.topic, tp.partition.v})];
    while (!q.empty() && q.front().offset < next) q.pop_front();
  }
  return task_->finish(*step);
}

void GlobalWorker::note(const Status& st) {
  std::lock_guard lock(mu_);
  if (st.is_ok()) {
    failure_.reset();
    not_before_ = Clock::time_point{};
    return;
  }
  if (!failure_) failure_ = stream::TaskFailure{sub_.name, sub_.service, PartitionId(0), st, 0};
  if (stream::count_failure(*failure_, st))
    std::fprintf(stderr, "orderstream: %s: %s (failed %lld times; retrying)\n", sub_.name.c_str(),
                 st.to_string().c_str(), static_cast<long long>(failure_->failures));
  not_before_ = Clock::now() + stream::failure_backoff(failure_->failures);
}

std::vector<stream::TaskFailure> GlobalWorker::failures() const {
  std::lock_guard lock(mu_);
  if (!failure_) return {};
  return {*failure_};
}

}  // namespace orderstream::cluster
