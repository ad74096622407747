// What one prepared task step writes to a Kafka cluster: its outputs, one changelog record per
// state change (the compacted topic a task's LMDB state is restored from when the task moves),
// and its input positions as the group's offsets. Pure functions over the step; the records'
// views point into it, so it must outlive them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cluster/transactional_producer.h"
#include "stream/task.h"

namespace orderstream::cluster {

// Kafka Streams' "<application.id>-<store>-changelog", the store named with its sub-topology
// (store names repeat across sub-topologies here) and any byte a topic name may not hold
// ([a-zA-Z0-9._-]) replaced by '.'.
std::string changelog_topic(const std::string& application_id, const std::string& sub_topology,
                            std::string_view store);

// The step's outputs in emit order, then its state changes on partition `p` of their changelog
// topics (a delete is a tombstone). A global sub-topology's stores have no changelog (they are
// rebuilt from their source topic), so it yields outputs only.
std::vector<OutRecord> step_records(const stream::PreparedStep& step, const stream::SubTopology& sub,
                                    PartitionId p, const std::string& application_id);

// The step's new input positions, as send_offsets_to_transaction takes them.
std::vector<InputPosition> step_positions(const stream::PreparedStep& step);

}  // namespace orderstream::cluster
