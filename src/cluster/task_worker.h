// TaskWorker: one sub-topology's tasks on the Kafka backend, run by one thread. It is a member of
// the group "<application.id>-<sub-topology>" for the sub-topology's inputs (each sub-topology
// its own group, since several read the same topic and a group holds one offset per partition),
// with one transactional producer, and runs a StreamTask for each partition number the group
// assigned it. A task's LMDB state is a cache of its changelog, checked and if need be restored
// before the task runs. Each step processes the records polled for the task against that state,
// commits its outputs, changelog records and input offsets as one Kafka transaction, and then
// writes the state and positions locally. owned() and failures() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cluster/group_consumer.h"
#include "cluster/state_restore.h"
#include "cluster/transactional_producer.h"
#include "log/log.h"
#include "stream/task_failure.h"
#include "stream/task.h"

namespace orderstream::cluster {

struct KafkaBackendOptions {
  ClientOptions client;
  std::string application_id = "orderstream";  // the prefix of group ids and changelog topics
  std::string instance_id;                      // part of each producer's transactional.id
  int16_t replication_factor = -1;              // of the topics it creates; -1: the brokers' default
  std::string advertised_url;                   // published in the instance directory; empty: none
  size_t max_batch = 2000;                      // records per input per step
  std::chrono::milliseconds poll_wait{100};     // how long an idle worker waits for records
};

class TaskWorker {
 public:
  // `local` and `sub` must outlive the worker.
  TaskWorker(log::Log& local, const stream::SubTopology& sub, const KafkaBackendOptions& options);
  ~TaskWorker();

  // Works until `stopping` is set (checked at least every poll_wait). Errors are kept for
  // failures() and retried with a backoff; nothing here ends the loop early.
  void run(const std::atomic<bool>& stopping);

  const std::string& name() const { return sub_.name; }
  // The partition numbers whose tasks run here now, state restored.
  std::set<int32_t> owned() const;
  bool owns(int32_t partition) const;  // without copying owned(): asked once per request
  // Tasks (and the worker itself, partition -1) whose latest attempt failed.
  std::vector<stream::TaskFailure> failures() const;
  // Changelog records applied by restores since the worker started.
  int64_t restored_records() const { return restored_.load(std::memory_order_relaxed); }

 private:
  using Clock = std::chrono::steady_clock;
  struct Task {
    std::unique_ptr<stream::StreamTask> task;  // null until its state is checked or restored
    std::vector<std::deque<log::Record>> pending;  // per input: polled, not yet committed
    InputOffsets committed;                    // the group's offsets as of our last commit
    bool stale = false;  // a rebalance, or a commit failed or not written locally: check first
    Clock::time_point not_before{};
  };
  Status connect();
  void sync_tasks();
  Status make_ready(int32_t p, Task& t);
  void take(std::vector<PartitionBatch>& batches);
  // One step of a ready task; *progressed when it committed something.
  Status step(int32_t p, Task& t, bool* progressed);
  void note(int32_t p, const Status& st, Clock::time_point* not_before);
  void publish_owned();

  log::Log& local_;
  const stream::SubTopology& sub_;
  KafkaBackendOptions options_;
  std::string group_;
  std::unique_ptr<GroupConsumer> consumer_;
  std::unique_ptr<TransactionalProducer> producer_;
  uint64_t seen_generation_ = 0, seen_revocations_ = 0;
  std::map<int32_t, Task> tasks_;
  Clock::time_point connect_not_before_{};
  std::atomic<int64_t> restored_{0};

  mutable std::mutex mu_;
  std::set<int32_t> owned_;                          // GUARDED_BY(mu_)
  std::map<int32_t, stream::TaskFailure> failures_;  // GUARDED_BY(mu_)
};

}  // namespace orderstream::cluster
