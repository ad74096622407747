// produce: how fast acks=all records get in. The clock runs from the first produce call to the
// last delivery report, after the connection and the topic's metadata are in place, so it
// measures records and not the handshake.
#include "bench_support.h"
#include "kafka_handles.h"
#include "modes.h"

namespace kbench {

int run_produce(const BenchOptions& o) {
  Deliveries d;
  std::string error;
  TopicProducer p;
  if (!open_producer(o, &d, &p, &error)) return fail("producer", error);
  std::string payload = make_payload(o.record_size);
  std::printf("kafka produce: %lld records of %zu B to %s (%d partition(s)), acks=all, linger.ms=%d, "
              "batch.size=1000000, batch.num.messages=10000, compression none\n",
              static_cast<long long>(o.records), o.record_size, o.topic.c_str(), p.partitions, o.linger_ms);

  auto t0 = Clock::now();
  for (int64_t i = 0; i < o.records; ++i) {
    if (!produce_one(p.rk.get(), p.rkt.get(), payload.data(), payload.size(), &error)) return fail("produce", error);
    if ((i & 1023) == 0) rd_kafka_poll(p.rk.get(), 0);  // delivery reports, without a call per record
  }
  rd_kafka_resp_err_t err = rd_kafka_flush(p.rk.get(), 120000);
  double secs = seconds_since(t0);
  if (err) return fail("flush", rd_kafka_err2str(err));

  double rps = static_cast<double>(d.ok) / secs;
  std::printf("produce rate:   %12.0f records/s %9.1f MB/s (%.3f s, %lld acked, %lld delivery errors)\n", rps,
              rps * static_cast<double>(o.record_size) / 1e6, secs, static_cast<long long>(d.ok),
              static_cast<long long>(d.failed));
  if (d.failed > 0) return fail("produce", std::to_string(d.failed) + " delivery errors, first: " + d.first_error);
  if (d.ok != o.records) return fail("produce", std::to_string(d.ok) + " acked of " + std::to_string(o.records));
  return 0;
}

}  // namespace kbench
