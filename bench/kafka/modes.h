// The three measurements of kafka_bench. Each builds its own clients, prints its figures to
// stdout and returns the process exit code: 0, or 1 after printing why to stderr.
#pragma once

#include "bench_options.h"

namespace kbench {

// N records of S bytes, acks=all; records/s and MB/s from the first produce to the last ack.
int run_produce(const BenchOptions& o);
// N records from offset 0 of every partition, checked for size and gapless offsets; records/s.
int run_consume(const BenchOptions& o);
// R records/s with the send time in the payload, a consumer thread in this process; p50, p99,
// p99.9 and max of produce-to-consume latency.
int run_latency(const BenchOptions& o);

}  // namespace kbench
