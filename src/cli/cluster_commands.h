// The read commands against an Apache Kafka cluster (--bootstrap-servers): topics list and
// describe, consume, groups describe. Same output shapes as their embedded-log twins, so scripts
// work on both. Each runs on the main thread with its own client.
#pragma once

#include <string>
#include <vector>

#include "cli/cluster_options.h"
#include "cli/consume_args.h"

namespace orderstream::cli {

// One topic name per line, sorted.
Status cluster_topics_list(const ClusterArgs& c);
// Partitions with their start and end offsets, leader, replicas and in-sync replicas.
Status cluster_topics_describe(const ClusterArgs& c, const std::string& topic);
// kcat -C on the cluster: a.offset, -c, -e, -f/-J and --group (commits to its coordinator).
Status cluster_consume(const ConsumeArgs& a);
// The group's committed offsets, log-end offsets and lag on each partition of `topics`.
Status cluster_groups_describe(const ClusterArgs& c, const std::string& group,
                               const std::vector<std::string>& topics);

}  // namespace orderstream::cli
