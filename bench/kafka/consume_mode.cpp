// consume: how fast a plain assign-based consumer reads a topic back from offset 0. Every
// record is checked (size, and offsets 0, 1, 2... per partition), so a fast wrong answer fails.
#include <vector>

#include "bench_support.h"
#include "kafka_handles.h"
#include "modes.h"

namespace kbench {

namespace {

// A consumer that hears nothing for this long has stalled: the run fails.
constexpr double kStallSeconds = 30;

}  // namespace

int run_consume(const BenchOptions& o) {
  std::string error;
  Handle rk = make_consumer(o, &error);
  if (!rk) return fail("consumer", error);
  int partitions = partition_count(rk.get(), o.topic, &error);
  if (partitions < 0) return fail("consumer", error);
  std::printf("kafka consume: %lld records of %zu B from offset 0 of %s (%d partition(s)), assign, "
              "librdkafka's fetch defaults\n",
              static_cast<long long>(o.records), o.record_size, o.topic.c_str(), partitions);

  auto t0 = Clock::now();
  if (!assign_all(rk.get(), o.topic, partitions, 0, &error)) return fail("consumer", error);
  std::vector<int64_t> next(static_cast<size_t>(partitions), 0);
  int64_t seen = 0;
  auto progress = Clock::now();
  while (seen < o.records) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 100);
    if (m == nullptr) {
      if (seconds_since(progress) > kStallSeconds)
        return fail("consume", "nothing for 30 s after " + std::to_string(seen) + " records");
      continue;
    }
    Message owned(m);
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;  // caught up with a partition; more may come
    if (m->err) return fail("consume", rd_kafka_message_errstr(m));
    if (m->partition < 0 || m->partition >= partitions) return fail("consume", "a record of an unknown partition");
    int64_t& want = next[static_cast<size_t>(m->partition)];
    if (m->offset != want || m->len != o.record_size)
      return fail("consume", "partition " + std::to_string(m->partition) + ": offset " + std::to_string(m->offset) +
                                 " of " + std::to_string(m->len) + " B where offset " + std::to_string(want) +
                                 " of " + std::to_string(o.record_size) + " B was due");
    ++want;
    ++seen;
    progress = Clock::now();
  }
  double secs = seconds_since(t0);
  rd_kafka_consumer_close(rk.get());

  double rps = static_cast<double>(seen) / secs;
  std::printf("consume rate:   %12.0f records/s %9.1f MB/s (%.3f s)\n", rps,
              rps * static_cast<double>(o.record_size) / 1e6, secs);
  return 0;
}

}  // namespace kbench
