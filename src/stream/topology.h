// A Topology: the sub-topologies (services' processing steps) and the topics they need.
// Plain data, built once at startup by the services layer and read by the runtime.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "log/topic_config.h"
#include "stream/processor.h"

namespace orderstream::stream {

struct TopicSpec {
  std::string name;
  log::TopicConfig config;
};

// One processing step; it runs as one task per partition number. Its inputs must be
// co-partitioned (same partition count): partition p of every input goes to task p.
// A global sub-topology instead runs as a single task that reads every partition of its inputs
// and owns unscoped stores, which every task can read with TaskContext::get_global: a global
// table (GlobalKTable). Its processor sees the record's real partition in InputRecord.
struct SubTopology {
  std::string name;                 // unique; also the consumer group id of its tasks
  std::string service;              // the service it belongs to (thread grouping, metrics)
  std::vector<std::string> inputs;  // topics read
  std::vector<std::string> stores;  // state stores it owns (wiped by reset-service)
  std::function<std::unique_ptr<Processor>(PartitionId)> make_processor;
  bool global = false;
};

struct Topology {
  std::vector<TopicSpec> topics;  // created with the runtime's partition count if missing
  std::vector<SubTopology> sub_topologies;
};

// The LMDB state-store name of `store` in task (sub_topology, partition).
std::string scoped_store_name(const std::string& sub_topology, PartitionId partition,
                              std::string_view store);
// The LMDB state-store name of a global sub-topology's `store` (one per log).
std::string global_store_name(std::string_view store);
// The name the task (sub_topology, partition) stores `store` under: global or scoped.
std::string task_store_name(const SubTopology& sub, PartitionId partition, std::string_view store);
// The runtime's own store: every task's stream time, under task_key(sub_topology, partition).
// One store for all tasks, so that a round's commit updates one tree for them, not one per
// task. A task's entry is wiped with its stores by reset-service.
inline constexpr std::string_view kStreamTimeStore = "__stream-time";
std::string task_key(const std::string& sub_topology, PartitionId partition);
// Where a task kept its stream time before kStreamTimeStore (read once, as a fallback).
std::string legacy_task_meta_store_name(const std::string& sub_topology, PartitionId partition);

}  // namespace orderstream::stream
