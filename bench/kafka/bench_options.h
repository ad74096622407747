// The command line of kafka_bench: which mode, which broker and topic, how many records of what
// size. Plain data, filled once in main and read by every mode; no thread-safety needed.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kbench {

enum class Mode { kProduce, kConsume, kLatency };

struct BenchOptions {
  Mode mode = Mode::kProduce;
  std::string brokers;  // HOST:PORT of the Kafka listener
  std::string topic;
  int64_t records = 1000000;
  size_t record_size = 100;
  int64_t rate = 10000;   // latency: records/s the producer keeps to
  int linger_ms = 5;      // librdkafka 2.0.2's default
  // -X KEY=VALUE: librdkafka settings applied last, to producer and consumer alike (as kcat's -X).
  std::vector<std::pair<std::string, std::string>> extra;
};

// Fills *o from argv. Returns an empty string, or what is wrong with the command line.
std::string parse_options(int argc, char** argv, BenchOptions* o);

extern const char* const kUsage;

}  // namespace kbench
