// KafkaRuntime: the stream runtime's Kafka backend. The topology's services run as they do on the
// embedded log, but their inputs, outputs and offsets live on a Kafka cluster: one TaskWorker
// thread per sub-topology, each a consumer-group member owning the partitions the group gives
// this instance, each step one Kafka transaction; a global sub-topology (a GlobalKTable) runs
// whole on every instance, reading all its input partitions. The local log (LMDB) holds the tasks' state, a
// cache of their changelog topics, and the topics' shapes (for output checks); its topics stay
// empty. Start and stop from one controlling thread; owned() and failed_tasks() from any.
#pragma once

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cluster/global_worker.h"
#include "cluster/instance_directory.h"
#include "cluster/task_worker.h"
#include "stream/topology.h"

namespace orderstream::cluster {

class KafkaRuntime {
 public:
  // The Log and Topology must outlive the runtime. `partitions` is the partition count the
  // topology's topics have (here and on the cluster).
  KafkaRuntime(log::Log& local, const stream::Topology& topology, KafkaBackendOptions options, int32_t partitions);
  ~KafkaRuntime();

  // Creates the topology's topics and the tasks' changelog topics (compacted) on the cluster
  // where missing, the topology's topics in the local log, and builds the workers.
  // InvalidArgument for a cluster topic with another partition count; Timeout when the cluster
  // is away.
  Status init();
  // Starts one thread per sub-topology; they connect to the cluster on their own (and retry).
  // With an advertised URL (this one if not empty, else the options'), the instance directory
  // starts too (an error if it cannot).
  Status start(const std::string& advertised_url = "");
  // Leaves the instance directory, then stops the threads after their current step and leaves
  // the groups. Idempotent.
  void stop();
  // Where every instance's tasks run (null without an advertised URL or before start).
  const InstanceDirectory* directory() const { return directory_.get(); }

  // The partition numbers of sub-topology `name` whose tasks run here now (empty if unknown).
  std::set<int32_t> owned(const std::string& name) const;
  bool owns(const std::string& name, int32_t partition) const;
  std::vector<stream::TaskFailure> failed_tasks() const;
  // Changelog records applied by restores since start.
  int64_t restored_records() const;

 private:
  log::Log& local_;
  const stream::Topology& topology_;
  KafkaBackendOptions options_;
  int32_t partitions_;
  std::vector<std::unique_ptr<TaskWorker>> workers_;  // the partitioned sub-topologies
  std::vector<std::unique_ptr<GlobalWorker>> globals_;
  std::unique_ptr<InstanceDirectory> directory_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
};

}  // namespace orderstream::cluster
