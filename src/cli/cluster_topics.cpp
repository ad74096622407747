// topics list/describe and groups describe against an Apache Kafka cluster (cluster_commands.h).
#include <cstdio>
#include <string>

#include "cli/cluster_commands.h"
#include "cluster/cluster_metadata.h"
#include "cluster/partition_reader.h"

namespace orderstream::cli {
namespace {

using cluster::KafkaClient;

std::string join_ids(const std::vector<int32_t>& ids) {
  std::string s;
  for (int32_t id : ids) s += (s.empty() ? "" : ",") + std::to_string(id);
  return s.empty() ? "-" : s;
}

}  // namespace

Status cluster_topics_list(const ClusterArgs& c) {
  OS_ASSIGN_OR_RETURN(auto client, cluster_client(c, KafkaClient::Kind::kConsumer));
  OS_ASSIGN_OR_RETURN(cluster::ClusterMetadata md, cluster::fetch_metadata(*client));
  for (const cluster::ClusterTopic& t : md.topics) std::printf("%s\n", t.name.c_str());
  return Status::ok();
}

Status cluster_topics_describe(const ClusterArgs& c, const std::string& topic) {
  OS_ASSIGN_OR_RETURN(auto client, cluster_client(c, KafkaClient::Kind::kConsumer));
  OS_ASSIGN_OR_RETURN(cluster::ClusterTopic t, cluster::describe_topic(*client, topic));
  OS_RETURN_IF_ERROR(cluster::fill_offsets(*client, &t));
  size_t rf = t.partitions.empty() ? 0 : t.partitions.front().replicas.size();
  std::printf("Topic: %s\tPartitions: %zu\tReplicationFactor: %zu\tCluster: %s\n", t.name.c_str(),
              t.partitions.size(), rf, c.bootstrap_servers.c_str());
  std::printf("%-10s %14s %14s %12s %8s %-16s %-16s\n", "PARTITION", "START-OFFSET", "END-OFFSET",
              "RECORDS", "LEADER", "REPLICAS", "ISR");
  for (const cluster::ClusterPartition& p : t.partitions) {
    // end - start counts offsets, which is the records' count unless compaction left gaps.
    std::printf("%-10d %14lld %14lld %12lld %8d %-16s %-16s\n", p.id, static_cast<long long>(p.start),
                static_cast<long long>(p.end), static_cast<long long>(p.end - p.start), p.leader,
                join_ids(p.replicas).c_str(), join_ids(p.isrs).c_str());
  }
  return Status::ok();
}

Status cluster_groups_describe(const ClusterArgs& c, const std::string& group,
                               const std::vector<std::string>& topics) {
  if (group.empty()) return invalid_argument("groups describe on a Kafka cluster needs a group name");
  // Kafka's OffsetFetch names its partitions; listing a group's topics needs admin requests a
  // cluster may refuse (and librdkafka's mock lacks), so the topics are named.
  if (topics.empty()) return invalid_argument("groups describe on a Kafka cluster needs --topic (repeatable)");
  OS_ASSIGN_OR_RETURN(auto client, cluster_client(c, KafkaClient::Kind::kConsumer, group));
  std::printf("%-24s %-24s %9s %15s %15s %10s\n", "GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET",
              "LOG-END-OFFSET", "LAG");
  for (const std::string& name : topics) {
    OS_ASSIGN_OR_RETURN(cluster::ClusterTopic t, cluster::describe_topic(*client, name));
    OS_RETURN_IF_ERROR(cluster::fill_offsets(*client, &t));
    std::vector<int32_t> ids;
    for (const cluster::ClusterPartition& p : t.partitions) ids.push_back(p.id);
    OS_ASSIGN_OR_RETURN(auto committed, cluster::committed_offsets(*client, name, ids));
    for (size_t i = 0; i < t.partitions.size(); ++i) {
      const cluster::ClusterPartition& p = t.partitions[i];
      // Kafka's tool prints '-' for a partition the group has not committed.
      std::string cur = committed[i] ? std::to_string(*committed[i]) : "-";
      std::string lag = committed[i] ? std::to_string(std::max<int64_t>(0, p.end - *committed[i])) : "-";
      std::printf("%-24s %-24s %9d %15s %15lld %10s\n", group.c_str(), name.c_str(), p.id, cur.c_str(),
                  static_cast<long long>(p.end), lag.c_str());
    }
  }
  return Status::ok();
}

}  // namespace orderstream::cli
