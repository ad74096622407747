// Writing and reading a Kafka cluster's topics from a test, through the cluster layer's own
// clients: records produced in one transaction, a topic read whole to its ends. REQUIREs success.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cluster/partition_reader.h"
#include "cluster/transactional_producer.h"
#include "support/check_ok.h"

namespace orderstream::test {

struct KeyValue {
  std::string key;
  std::optional<std::string> value;  // nullopt: a tombstone
};

// Produces the records (keyed: murmur2_random's partitions) to `topic` in one transaction.
inline void produce_to_cluster(const std::string& bootstrap, const std::string& topic,
                               const std::vector<KeyValue>& records) {
  static int producers = 0;
  cluster::ClientOptions o;
  o.bootstrap_servers = bootstrap;
  auto producer = cluster::TransactionalProducer::open(
      o, "test-producer-" + std::to_string(::getpid()) + "-" + std::to_string(++producers));
  REQUIRE_OK(producer);
  auto consumer = cluster::KafkaClient::create(cluster::KafkaClient::Kind::kConsumer, o);
  REQUIRE_OK(consumer);
  std::vector<cluster::OutRecord> out;
  for (const KeyValue& kv : records) {
    cluster::OutRecord r{};
    r.topic = topic;
    r.key = kv.key;
    if (kv.value) r.value = *kv.value;
    out.push_back(std::move(r));
  }
  REQUIRE_OK((*producer)->commit_step(out, {}, **consumer));
}

// Every record of partitions [0, partitions) of `topic`, each partition in offset order.
inline std::vector<log::Record> read_cluster_topic(const std::string& bootstrap, const std::string& topic,
                                                   int partitions) {
  cluster::ClientOptions o;
  o.bootstrap_servers = bootstrap;
  auto client = cluster::KafkaClient::create(cluster::KafkaClient::Kind::kConsumer, o);
  REQUIRE_OK(client);
  cluster::PartitionReader reader(**client, topic);
  std::vector<cluster::PartitionStart> starts;
  for (int p = 0; p < partitions; ++p) starts.push_back({p, cluster::kOffsetBeginning});
  REQUIRE_OK(reader.assign(starts));
  std::vector<log::Record> out;
  std::set<int32_t> ended;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (static_cast<int>(ended.size()) < partitions && std::chrono::steady_clock::now() < deadline) {
    REQUIRE_OK(reader.poll(
        std::chrono::milliseconds(100),
        [&](int32_t p, const log::RecordView& r) {
          ended.erase(p);
          out.push_back(log::Record::from_view(r));
          return true;
        },
        [&](int32_t p) { ended.insert(p); }));
  }
  REQUIRE_MESSAGE(static_cast<int>(ended.size()) == partitions, "did not reach the end of " << topic);
  return out;
}

}  // namespace orderstream::test
