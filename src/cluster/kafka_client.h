// KafkaClient: one librdkafka client (rd_kafka_t) of an Apache Kafka cluster, owned and destroyed
// with the object, for the cluster commands (topics, consume, groups --bootstrap-servers) and the
// Kafka backend. A client belongs to the thread that made it; distinct clients are independent.
// Only src/cluster includes <librdkafka/rdkafka.h>; librdkafka's error codes become Status here.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

struct rd_kafka_s;
typedef struct rd_kafka_s rd_kafka_t;

namespace orderstream::cluster {

struct ClientOptions {
  std::string bootstrap_servers;  // H:P[,H:P...]
  // librdkafka properties applied last, over this layer's defaults (kcat's -X): security.protocol,
  // sasl.*, ssl.*, client.id, debug, log_level...
  std::vector<std::pair<std::string, std::string>> properties;
  // How long a metadata, offsets or commit request may wait for the cluster.
  std::chrono::milliseconds timeout{10000};
};

// Parses "KEY=VALUE" (the -X form); InvalidArgument names a malformed one.
Result<std::pair<std::string, std::string>> parse_property(const std::string& kv);

// A librdkafka error (or OK) as a Status naming `what` was attempted. Unreachable brokers and
// timeouts are kTimeout, unknown topics and groups kNotFound, refusals kPermissionDenied.
Status kafka_status(int err, const std::string& what);

// Told of a consumer group member's rebalances, on the thread that polls the consumer (inside
// its poll), after the partitions were assigned or before they go.
class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual void on_assigned(const std::vector<std::pair<std::string, int32_t>>& partitions) = 0;
  virtual void on_revoked(const std::vector<std::pair<std::string, int32_t>>& partitions) = 0;
};

// Told of each produced record's outcome, inside rd_kafka_poll on the thread that polls the
// producer: OK with where it landed once the cluster acknowledged it, else why it failed for good
// (Aborted when the producer was stopped first).
// `opaque` is what the record was produced with.
class DeliveryListener {
 public:
  virtual ~DeliveryListener() = default;
  virtual void on_delivery(const Status& st, int32_t partition, int64_t offset, void* opaque) = 0;
};

class KafkaClient {
 public:
  enum class Kind { kConsumer, kProducer };

  // A consumer (group.id = `group`, or a private one when empty: librdkafka's consumer API wants
  // one; auto-commit off, auto.offset.reset earliest, partition EOFs reported) or a producer
  // (acks=all, idempotent). InvalidArgument names a property librdkafka refuses; an empty
  // bootstrap list is refused too. Connecting happens later, on the first request.
  // A listener (consumers only; it must outlive the client) makes the consumer follow its
  // group's assignments (eager: all revoked, then the new set assigned).
  // A delivery listener (producers only; it must outlive the client) hears every record's outcome.
  static Result<std::unique_ptr<KafkaClient>> create(Kind kind, const ClientOptions& options,
                                                     const std::string& group = "",
                                                     RebalanceListener* listener = nullptr,
                                                     DeliveryListener* delivery = nullptr);
  ~KafkaClient();
  KafkaClient(const KafkaClient&) = delete;
  KafkaClient& operator=(const KafkaClient&) = delete;

  rd_kafka_t* get() const { return rk_; }
  const ClientOptions& options() const { return options_; }
  int timeout_ms() const { return static_cast<int>(options_.timeout.count()); }
  // The cluster's bootstrap list for messages: "the Kafka cluster at H:P,...".
  std::string where() const { return "the Kafka cluster at " + options_.bootstrap_servers; }

 private:
  KafkaClient(rd_kafka_t* rk, Kind kind, ClientOptions options)
      : rk_(rk), kind_(kind), options_(std::move(options)) {}
  rd_kafka_t* rk_;
  Kind kind_;
  ClientOptions options_;
};

}  // namespace orderstream::cluster
