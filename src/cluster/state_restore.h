// A Kafka-backend task's local state: its LMDB stores are a cache of the task's changelog
// partitions. The cache is current when the input positions it was written with equal the
// group's committed offsets (the local write follows each Kafka transaction, so a crash between
// them, or another instance having run the task meanwhile, leaves them apart) and, with no
// offsets committed, the changelog is empty; otherwise the
// stores are wiped and rebuilt from the changelog, read_committed, to its end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/kafka_client.h"
#include "log/log.h"
#include "stream/topology.h"

namespace orderstream::cluster {

// The group's committed next-offsets for task (sub, p), one per input of sub (nullopt: none).
using InputOffsets = std::vector<std::optional<int64_t>>;

// True when the local state of task (sub, p) is the changelog's: its local positions are exactly
// `committed`, and when nothing is committed at all (a new group, expired offsets, or a cluster
// that keeps no transactional offsets, as librdkafka's mock), its changelog partitions are empty
// too. `client` reads the changelogs' watermarks.
Result<bool> local_state_current(const log::Log& local, const stream::SubTopology& sub, PartitionId p,
                                 const InputOffsets& committed, KafkaClient& client,
                                 const std::string& application_id);

// Wipes the task's local stores and stream time, refills the stores from partition p of their
// changelog topics, and records `committed` as the local positions (last, so an interrupted
// restore is redone). `restored` (may be null) gets the number of changelog records applied.
// Timeout when the cluster stops answering before a changelog's end was read.
Status restore_task_state(log::Log& local, const ClientOptions& options, const std::string& application_id,
                          const stream::SubTopology& sub, PartitionId p, const InputOffsets& committed,
                          int64_t* restored);

}  // namespace orderstream::cluster
