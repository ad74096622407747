// librdkafka's C handles as RAII types and the two clients every mode builds: an acks=all
// producer and an assign-based consumer. A handle belongs to the thread that made it; librdkafka
// itself is thread-safe across handles.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench_options.h"
#include "bench_support.h"

namespace kbench {

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;
struct TopicDeleter {
  void operator()(rd_kafka_topic_t* rkt) const { rd_kafka_topic_destroy(rkt); }
};
using TopicHandle = std::unique_ptr<rd_kafka_topic_t, TopicDeleter>;
struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
using Message = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

using Settings = std::vector<std::pair<std::string, std::string>>;

// A producer with acks=all, no compression, o.linger_ms, and `extra` on top. `dr_opaque` is
// handed to the delivery callback `on_delivery` (rd_kafka_conf_set_dr_msg_cb). Null and *error
// set when librdkafka refuses a setting.
Handle make_producer(const BenchOptions& o, void (*on_delivery)(rd_kafka_t*, const rd_kafka_message_t*, void*),
                     void* dr_opaque, std::string* error);

// A producer of o.topic, connected. rkt dies before rk (member order).
struct TopicProducer {
  Handle rk;
  TopicHandle rkt;
  int partitions = 0;
};

// make_producer, then the topic's partition count from the broker: a timed run that follows
// starts connected. Delivery reports go to *d. False and *error on failure.
bool open_producer(const BenchOptions& o, Deliveries* d, TopicProducer* out, std::string* error);

// A consumer that reads by assign (no group join, no offset commits; librdkafka still wants a
// group.id for its consumer API), reporting partition EOF. Null and *error on failure.
Handle make_consumer(const BenchOptions& o, std::string* error);

// The topic's partition count from the broker's metadata, or -1 and *error.
int partition_count(rd_kafka_t* rk, const std::string& topic, std::string* error);

// Assigns every partition of the topic from `offset` (an offset or RD_KAFKA_OFFSET_END).
// False and *error on failure.
bool assign_all(rd_kafka_t* rk, const std::string& topic, int partitions, int64_t offset, std::string* error);

}  // namespace kbench
