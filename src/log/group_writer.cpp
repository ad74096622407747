#include "log/group_writer.h"

#include "common/guarded.h"

namespace orderstream::log {

GroupWriter::GroupWriter(Log& log, size_t max_queued, bool durable)
    : log_(log), max_queued_(max_queued), durable_(durable), thread_([this] { run(); }) {}

GroupWriter::~GroupWriter() { stop(); }

Status GroupWriter::submit(WriteFn fn, DoneFn done) {
  std::lock_guard lock(mu_);
  if (stopping_) return aborted("the server is shutting down");
  if (queue_.size() >= max_queued_)
    return busy("write queue full (" + std::to_string(max_queued_) + " operations waiting)");
  queue_.push_back(Op{std::move(fn), std::move(done), Status()});
  depth_.store(queue_.size(), std::memory_order_relaxed);
  cv_.notify_one();
  return Status::ok();
}

Status GroupWriter::after_durable(uint64_t point, DoneFn done) {
  if (!durable_ || log_.durable_through(point)) {
    done(Status::ok());
    return Status::ok();
  }
  std::lock_guard lock(mu_);
  if (stopping_) return aborted("the server is shutting down");
  if (queue_.size() >= max_queued_)
    return busy("write queue full (" + std::to_string(max_queued_) + " operations waiting)");
  queue_.push_back(Op{nullptr, std::move(done), Status(), point});
  depth_.store(queue_.size(), std::memory_order_relaxed);
  cv_.notify_one();
  return Status::ok();
}

void GroupWriter::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void GroupWriter::write(std::vector<Op>& ops) {
  std::vector<Log::WriteFn> fns;
  fns.reserve(ops.size());
  for (Op& op : ops) fns.push_back(std::move(op.fn));
  std::vector<Status> statuses(ops.size());
  log_.write_all(fns, statuses);
  for (size_t i = 0; i < ops.size(); ++i) ops[i].status = std::move(statuses[i]);
}

void GroupWriter::complete(std::vector<Op>& ops, uint64_t version) {
  if (ops.empty()) return;
  // Durable mode: acknowledged only once the commit is synced. A later commit's fdatasync
  // (a stream task's, say) makes the sync free.
  Status synced = durable_ ? log_.sync_to(version) : Status::ok();
  // A callback that throws must not take the writer thread (and every later write) with it.
  for (Op& op : ops) run_guarded("group writer", [&] { op.done(op.status.is_ok() ? synced : op.status); });
  ops.clear();
}

void GroupWriter::release(std::vector<Op>& barriers) {
  if (barriers.empty()) return;
  uint64_t point = 0;
  for (const Op& op : barriers) point = std::max(point, op.point);
  // Usually free: the batch's own sync (or a stream task's commit) covered it.
  Status synced = log_.sync_through(point);
  for (Op& op : barriers) run_guarded("group writer", [&] { op.done(synced); });
  barriers.clear();
}

void GroupWriter::run() {
  while (true) {
    std::vector<Op> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      batch.swap(queue_);
      depth_.store(0, std::memory_order_relaxed);
    }
    std::vector<Op> barriers;
    std::erase_if(batch, [&](Op& op) {
      if (op.fn) return false;
      barriers.push_back(std::move(op));
      return true;
    });
    write(batch);
    // Usually free: a stream task's commit (running or next) syncs this batch's meta page.
    complete(batch, log_.version());
    release(barriers);
  }
}

}  // namespace orderstream::log
