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

Status GroupWriter::apply(std::span<Op> ops) {
  Status st = log_.write([&](WriteTxn& w) {
    for (Op& op : ops) OS_RETURN_IF_ERROR(op.fn(w));
    return Status::ok();
  });
  if (st.is_ok() && durable_) st = log_.sync();
  return st;
}

bool GroupWriter::complete(std::span<Op> ops) {
  Status st = apply(ops);
  if (st.is_ok() || ops.size() == 1) {
    for (Op& op : ops) op.done(st);
    return st.code() == StatusCode::kNoSpace;
  }
  if (st.code() == StatusCode::kNoSpace) {
    // The batch does not fit, but its first part may: store what fits, first come first
    // served, in halves (log2(n) txns when nothing fits). Once one op alone does not fit,
    // the rest is refused at once; a client retries after space is freed.
    size_t half = ops.size() / 2;
    if (complete(ops.first(half))) {
      for (Op& op : ops.subspan(half)) op.done(st);
      return true;
    }
    return complete(ops.subspan(half));
  }
  // One operation may have poisoned the batch: retry each alone so only it fails.
  for (Op& op : ops) op.done(apply(std::span<Op>(&op, 1)));
  return false;
}

void GroupWriter::run() {
  while (true) {
    std::vector<Op> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      batch.swap(queue_);
    }
    (void)complete(batch);
  }
}

}  // namespace orderstream::log
