#include "cluster/cluster_metadata.h"

#include <algorithm>

#include "cluster/rd_types.h"

namespace orderstream::cluster {

Result<ClusterMetadata> fetch_metadata(KafkaClient& client, const std::optional<std::string>& topic) {
  // Always the all-topics request, filtered here: a Metadata request naming an unknown topic
  // creates it on a broker with auto.create.topics.enable (and on librdkafka's mock), and a
  // command that only asks about a topic must never create one.
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(client.get(), 1, nullptr, &raw, client.timeout_ms());
  OS_RETURN_IF_ERROR(kafka_status(err, "metadata from " + client.where()));
  Metadata md(raw);
  ClusterMetadata out;
  for (int i = 0; i < md->broker_cnt; ++i)
    out.brokers.push_back({md->brokers[i].id, md->brokers[i].host, md->brokers[i].port});
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (topic && *topic != t.topic) continue;
    OS_RETURN_IF_ERROR(kafka_status(t.err, "metadata of topic '" + std::string(t.topic) + "'"));
    ClusterTopic ct{t.topic, {}};
    for (int p = 0; p < t.partition_cnt; ++p) {
      const rd_kafka_metadata_partition_t& mp = t.partitions[p];
      ClusterPartition cp;
      cp.id = mp.id;
      cp.leader = mp.leader;
      cp.replicas.assign(mp.replicas, mp.replicas + mp.replica_cnt);
      cp.isrs.assign(mp.isrs, mp.isrs + mp.isr_cnt);
      ct.partitions.push_back(std::move(cp));
    }
    std::sort(ct.partitions.begin(), ct.partitions.end(),
              [](const ClusterPartition& a, const ClusterPartition& b) { return a.id < b.id; });
    out.topics.push_back(std::move(ct));
  }
  if (topic && out.topics.empty())
    return not_found("topic '" + *topic + "' does not exist on " + client.where());
  std::sort(out.brokers.begin(), out.brokers.end(),
            [](const ClusterBroker& a, const ClusterBroker& b) { return a.id < b.id; });
  std::sort(out.topics.begin(), out.topics.end(),
            [](const ClusterTopic& a, const ClusterTopic& b) { return a.name < b.name; });
  return out;
}

Result<ClusterTopic> describe_topic(KafkaClient& client, const std::string& topic) {
  OS_ASSIGN_OR_RETURN(ClusterMetadata md, fetch_metadata(client, topic));
  return std::move(md.topics.front());
}

Status fill_offsets(KafkaClient& client, ClusterTopic* topic) {
  for (ClusterPartition& p : topic->partitions) {
    int64_t low = -1, high = -1;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
        client.get(), topic->name.c_str(), p.id, &low, &high, client.timeout_ms());
    OS_RETURN_IF_ERROR(kafka_status(
        err, "offsets of " + topic->name + "/" + std::to_string(p.id) + " from " + client.where()));
    p.start = low;
    p.end = high;
  }
  return Status::ok();
}

}  // namespace orderstream::cluster
