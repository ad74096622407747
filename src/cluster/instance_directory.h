// InstanceDirectory: where each task of an application runs now, so that any instance can route an
// interactive query to the one owning the key's partition (Kafka Streams' metadata behind
// getKeyLocationOrBlock). Every instance publishes to the compacted topic
// "<application.id>-instances", keyed by its instance id, its advertised URL and the partitions it
// owns per sub-topology, whenever they change, and a tombstone when it stops; every instance reads
// that topic from its start and keeps the latest entry per instance. (Kafka Streams carries this in
// its group protocol's user data; librdkafka's built-in assignors offer no such field, and the
// group APIs that could tell members apart are not served by every cluster, hence a topic.)
// Thread-safe; one thread of its own between start() and stop().
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cluster/kafka_client.h"

namespace orderstream::cluster {

std::string instances_topic(const std::string& application_id);

// Partition numbers owned per sub-topology name.
using Ownership = std::map<std::string, std::set<int32_t>>;

struct InstanceInfo {
  std::string id;
  std::string url;  // where its HTTP API answers (--advertised-url)
  Ownership owned;
  bool operator==(const InstanceInfo&) const = default;
};

// The topic's value: "url=<url>" then "<sub-topology>=<p>,<p>..." lines. InvalidArgument for
// anything else.
std::string encode_instance(const InstanceInfo& info);
Result<InstanceInfo> decode_instance(const std::string& id, std::string_view value);

class InstanceDirectory {
 public:
  // `owned_now` tells what this instance owns at the moment (called on the directory's thread).
  InstanceDirectory(ClientOptions options, std::string application_id, std::string instance_id, std::string url,
                    std::function<Ownership()> owned_now);
  ~InstanceDirectory();

  // Connects and starts following the topic and publishing this instance's entry.
  Status start();
  // Publishes the tombstone (bounded by the client timeout) and stops. Idempotent.
  void stop();

  // The URL of the instance that owns partition p of sub-topology `sub`, as last published: of
  // the latest claim when several instances claim it (one gone without its tombstone), nullopt
  // when none does (e.g. during a rebalance).
  std::optional<std::string> owner_url(const std::string& sub, int32_t p) const;
  // Every instance with an entry, this one included once it has read its own, by id.
  std::vector<InstanceInfo> instances() const;

 private:
  void run();
  Status publish(const std::optional<std::string>& value);

  ClientOptions options_;
  std::string topic_, id_, url_;
  std::function<Ownership()> owned_now_;
  std::unique_ptr<KafkaClient> producer_, consumer_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mu_;
  std::map<std::string, InstanceInfo> instances_;  // GUARDED_BY(mu_)
  std::map<std::string, int64_t> published_at_;     // GUARDED_BY(mu_): each entry's offset on the topic
};

}  // namespace orderstream::cluster
