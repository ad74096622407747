// GroupWriter: group commit for acknowledged writes. Callers enqueue write operations from any
// thread; one writer thread runs every queued operation in one Log::write txn, makes it durable
// with one Log::sync, then completes each operation with the shared Status. Thread-safe.
// Owned by main's wiring; stop() (or the destructor) completes queued operations with Aborted.
#pragma once

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
  // Runs inside the batch txn. It must check everything before writing: an error aborts the
  // batch, which is then retried one operation per txn so only the failing one fails.
  using WriteFn = std::function<Status(WriteTxn&)>;
  // Runs on the writer thread once the operation is durable (OK) or failed. Keep it short.
  using DoneFn = std::function<void(const Status&)>;

  GroupWriter(Log& log, size_t max_queued, bool durable);
  ~GroupWriter();
  // Busy (done is not called) when max_queued operations are already waiting.
  Status submit(WriteFn fn, DoneFn done);
  void stop();

 private:
  struct Op {
    WriteFn fn;
    DoneFn done;
  };
  void run();
  // Runs ops in one txn (and one sync when durable).
  Status apply(std::span<Op> ops);
  // Runs ops and completes each. Returns true when one op alone did not fit (map or disk full);
  // ops after it are then refused with NoSpace without another try.
  bool complete(std::span<Op> ops);

  Log& log_;
  size_t max_queued_;
  bool durable_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Op> queue_;  // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace orderstream::log
