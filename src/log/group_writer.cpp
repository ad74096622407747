#include "log/group_writer.h"

namespace orderstream::log {

GroupWriter::GroupWriter(Log& log, size_t max_queued, bool durable)
    : log_(log), max_queued_(max_queued), durable_(durable), thread_([this] { run(); }) {}

GroupWriter::~GroupWriter() { stop(); }

Status GroupWriter::submit(WriteFn fn, DoneFn done) {
  std::lock_guard lock(mu_);
  if (stopping_) return aborted("the server is shutting down");
  if (queue_.size() >= max_queued_)
    return busy("write queue full (" + std::to_string(max_queued_) + " operations waiting)");
  queue_.push_back(Op{std::move(fn), std::move(done)});
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

Status GroupWriter::apply(std::deque<Op>& ops) {
  Status st = log_.write([&](WriteTxn& w) {
    for (Op& op : ops) OS_RETURN_IF_ERROR(op.fn(w));
    return Status::ok();
  });
  if (st.is_ok() && durable_) st = log_.sync();
  return st;
}

void GroupWriter::run() {
  while (true) {
    std::deque<Op> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      batch.swap(queue_);
    }
    Status st = apply(batch);
    if (!st.is_ok() && batch.size() > 1 && st.code() != StatusCode::kNoSpace) {
      // One operation may have poisoned the batch: retry each alone so only it fails.
      for (Op& op : batch) {
        std::deque<Op> one;
        one.push_back(std::move(op));
        Status s1 = apply(one);
        one.front().done(s1);
      }
      continue;
    }
    for (Op& op : batch) op.done(st);
  }
}

}  // namespace orderstream::log
