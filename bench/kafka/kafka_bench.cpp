// kafka_bench: the Kafka-protocol benchmark of issue 13, a librdkafka client (Debian's
// librdkafka-dev, C API) against any Kafka listener, `orderstream serve --kafka-listener`
// first. scripts/bench.sh runs it beside `orderstream bench log` and kcat. Usage: see kUsage.
#include <cstdio>

#include "bench_options.h"
#include "modes.h"

int main(int argc, char** argv) {
  kbench::BenchOptions o;
  std::string bad = kbench::parse_options(argc, argv, &o);
  if (!bad.empty()) {
    std::fprintf(stderr, "kafka_bench: %s\n%s", bad.c_str(), kbench::kUsage);
    return 2;
  }
  switch (o.mode) {
    case kbench::Mode::kProduce:
      return kbench::run_produce(o);
    case kbench::Mode::kConsume:
      return kbench::run_consume(o);
    case kbench::Mode::kLatency:
      return kbench::run_latency(o);
  }
  return 2;
}
