// GroupWriter: acknowledged writes for client requests. Callers enqueue write operations from
// any thread; one writer thread hands everything queued to the log's group commit (each op its
// own write, sharing one txn), and completes each op once its commit is durable. Thread-safe.
// Owned by main's wiring; stop() (or the destructor) completes queued operations with Aborted.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "log/log.h"

namespace orderstream::log {

class GroupWriter {
 public:
  // Runs inside a group's txn, as its own Log::write: an error drops only this operation.
  // It may run more than once (when another write of its group fails).
  using WriteFn = std::function<Status(WriteTxn&)>;
  // Runs on the writer thread once the operation is durable (OK) or failed. Keep it short.
  using DoneFn = std::function<void(const Status&)>;

  GroupWriter(Log& log, size_t max_queued, bool durable);
  ~GroupWriter();
  // Busy (done is not called) when max_queued operations are already waiting.
  Status submit(WriteFn fn, DoneFn done);
  // Runs done once every commit up to `point` (a Log::commit_point()) is durable: at once on
  // this thread when it already is or the log is not durable, otherwise on the writer thread
  // after the sync of its batch (shared with the writes queued beside it). Busy as submit().
  Status after_durable(uint64_t point, DoneFn done);
  void stop();
  // Whether it acknowledges only once durable (false: at commit).
  bool durable() const { return durable_; }
  // Operations waiting to be written (for /metrics). Any thread.
  size_t depth() const { return depth_.load(std::memory_order_relaxed); }

 private:
  struct Op {
    WriteFn fn;  // empty for an after_durable() barrier
    DoneFn done;
    Status status;  // of its write, once written
    uint64_t point = 0;  // a barrier's commit point
  };
  void run();
  // Writes ops, each as its own write in shared group commits (Log::write_all): one op that
  // fails costs at most one redo of its txn, never a sync per op.
  void write(std::vector<Op>& ops);
  // Acknowledges written ops once the log is durable up to `version` (their commit).
  void complete(std::vector<Op>& ops, uint64_t version);
  // Completes barriers once the log is durable through the highest point among them.
  void release(std::vector<Op>& barriers);

  Log& log_;
  size_t max_queued_;
  bool durable_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Op> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::atomic<size_t> depth_{0};
  std::thread thread_;
};

}  // namespace orderstream::log
