// latency: produce-to-consume time at a fixed rate. Producer (this thread) and consumer (its own
// thread and librdkafka handle) share the process, so the steady clock is one clock. Each
// payload starts with the time the record was *due* (t0 + i/R), not the time it was handed over,
// so a producer that falls behind shows as latency instead of hiding it.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "kafka_handles.h"
#include "modes.h"

namespace kbench {

namespace {

constexpr double kStallSeconds = 30;

// The consumer side. Owned by run_latency; its thread writes everything but `stop`, and
// run_latency reads the rest only after join().
struct Receiver {
  explicit Receiver(const BenchOptions& options) : o(options) {}
  const BenchOptions& o;
  std::atomic<bool> ready{false};  // at the end of every partition: records sent now will be seen
  std::atomic<bool> stop{false};   // the producer failed: give up
  std::vector<int64_t> latencies_ns;
  std::string error;

  void run() {
    Handle rk = make_consumer(o, &error);
    if (!rk) return;
    int partitions = partition_count(rk.get(), o.topic, &error);
    if (partitions < 0 || !assign_all(rk.get(), o.topic, partitions, RD_KAFKA_OFFSET_END, &error)) return;
    std::set<int32_t> at_end;
    latencies_ns.reserve(static_cast<size_t>(o.records));
    auto progress = Clock::now();
    while (!stop && static_cast<int64_t>(latencies_ns.size()) < o.records) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 100);
      if (m == nullptr) {
        if (seconds_since(progress) > kStallSeconds) {
          error = "nothing for 30 s after " + std::to_string(latencies_ns.size()) + " records";
          break;
        }
        continue;
      }
      Message owned(m);
      progress = Clock::now();
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        at_end.insert(m->partition);
        if (static_cast<int>(at_end.size()) == partitions) ready = true;
        continue;
      }
      if (m->err) {
        error = rd_kafka_message_errstr(m);
        break;
      }
      if (m->len != o.record_size) {
        error = "a record of " + std::to_string(m->len) + " B";
        break;
      }
      int64_t sent = 0;
      std::memcpy(&sent, m->payload, sizeof sent);
      latencies_ns.push_back(now_ns() - sent);
    }
    rd_kafka_consumer_close(rk.get());
  }
};

// The q-quantile (nearest rank) of unsorted times in ns, in ms; sorts *ns.
double percentile_ms(std::vector<int64_t>* ns, double q) {
  std::sort(ns->begin(), ns->end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(ns->size())));
  return static_cast<double>((*ns)[std::clamp<size_t>(rank, 1, ns->size()) - 1]) / 1e6;
}

}  // namespace

int run_latency(const BenchOptions& o) {
  Deliveries d;
  d.time_acks = true;
  d.ack_ns.reserve(static_cast<size_t>(o.records));
  std::string error;
  TopicProducer p;
  if (!open_producer(o, &d, &p, &error)) return fail("producer", error);

  Receiver rx(o);
  std::thread consumer([&rx] { rx.run(); });
  auto joined = [&](int code) {
    rx.stop = code != 0;
    consumer.join();
    return code;
  };
  auto wait_start = Clock::now();
  while (!rx.ready) {
    if (seconds_since(wait_start) > kStallSeconds) return joined(fail("latency", "the consumer did not start"));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  std::printf("kafka latency: %lld records of %zu B at %lld/s to %s (%d partition(s)), acks=all, linger.ms=%d\n",
              static_cast<long long>(o.records), o.record_size, static_cast<long long>(o.rate), o.topic.c_str(),
              p.partitions, o.linger_ms);
  std::string payload = make_payload(o.record_size);
  const int64_t t0 = now_ns();
  const double interval_ns = 1e9 / static_cast<double>(o.rate);
  for (int64_t i = 0; i < o.records; ++i) {
    int64_t due = t0 + static_cast<int64_t>(static_cast<double>(i) * interval_ns);
    for (int64_t wait = due - now_ns(); wait > 0; wait = due - now_ns()) {
      rd_kafka_poll(p.rk.get(), 0);
      std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
    }
    std::memcpy(payload.data(), &due, sizeof due);
    if (!produce_one(p.rk.get(), p.rkt.get(), payload.data(), payload.size(), &error))
      return joined(fail("produce", error));
  }
  double send_secs = static_cast<double>(now_ns() - t0) / 1e9;
  rd_kafka_resp_err_t err = rd_kafka_flush(p.rk.get(), 60000);
  if (err) return joined(fail("flush", rd_kafka_err2str(err)));
  if (d.failed > 0)
    return joined(fail("produce", std::to_string(d.failed) + " delivery errors, first: " + d.first_error));
  joined(0);
  if (!rx.error.empty()) return fail("consume", rx.error);

  std::vector<int64_t>* lat = &rx.latencies_ns;
  std::printf("latency sent:   %12.0f records/s (%.3f s)\n", static_cast<double>(o.records) / send_secs, send_secs);
  std::printf("latency p50:    %12.3f ms\n", percentile_ms(lat, 0.50));
  std::printf("latency p99:    %12.3f ms\n", percentile_ms(lat, 0.99));
  std::printf("latency p99.9:  %12.3f ms\n", percentile_ms(lat, 0.999));
  std::printf("latency max:    %12.3f ms\n", percentile_ms(lat, 1.0));
  // Where the time goes: produce-to-ack (the durable commit) is part of produce-to-consume.
  std::printf("ack latency:    p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", percentile_ms(&d.ack_ns, 0.50),
              percentile_ms(&d.ack_ns, 0.99), percentile_ms(&d.ack_ns, 1.0));
  return 0;
}

}  // namespace kbench
