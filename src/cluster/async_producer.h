// AsyncProducer: an idempotent producer (acks=all) for records a client is waiting on, such as a
// POSTed order: each send completes on the producer's own delivery thread once the cluster has
// acknowledged the record on every in-sync replica (or it failed for good), with the partition
// and offset it got. Keyed records go to murmur2_random's partition, as Java clients place them.
// Thread-safe: send from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "cluster/kafka_client.h"

namespace orderstream::cluster {

class AsyncProducer final : public DeliveryListener {
 public:
  // Runs on the delivery thread: keep it short (hand the answer over).
  using DoneFn = std::function<void(const Status& st, int32_t partition, int64_t offset)>;

  // InvalidArgument for bad options. Connecting happens with the first send.
  static Result<std::unique_ptr<AsyncProducer>> open(const ClientOptions& options);
  // Waits up to the client timeout for the records in flight, fails what is left with Aborted,
  // then stops the delivery thread.
  ~AsyncProducer() override;

  // Queues the record; done is called exactly once, later, unless this returns an error
  // (Busy when librdkafka's local queue is full: the caller answers 503 rather than wait).
  Status send(const std::string& topic, std::optional<std::string_view> key,
              std::optional<std::string_view> value, DoneFn done);

  void on_delivery(const Status& st, int32_t partition, int64_t offset, void* opaque) override;
  // Records sent and not yet completed. Any thread.
  size_t in_flight() const;

 private:
  AsyncProducer() = default;
  std::unique_ptr<KafkaClient> client_;
  std::thread delivery_;
  std::atomic<bool> stopping_{false};
  // Also the visible hand-over of each record's DoneFn from send() to the delivery thread:
  // librdkafka's own queue locks are invisible to ThreadSanitizer.
  mutable std::mutex mu_;
  size_t in_flight_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace orderstream::cluster
