#include "bench_options.h"

#include <cstdlib>
#include <string_view>

namespace kbench {

const char* const kUsage =
    "usage: kafka_bench produce|consume|latency --brokers HOST:PORT --topic T\n"
    "                   [--records N=1000000] [--size BYTES=100] [--rate R=10000] [--linger-ms MS=5]\n"
    "                   [-X KEY=VALUE]... (librdkafka settings, last, as kcat's -X)\n"
    "  produce: N records of BYTES, acks=all, no compression; records/s, MB/s, delivery errors\n"
    "  consume: N records from offset 0 of every partition, assign-based; records/s\n"
    "  latency: R records/s for N records (default 10 s of them), a consumer in the same process;\n"
    "           produce-to-consume p50/p99/p99.9/max\n"
    "Exits 1 on any Kafka error (one failed delivery is a failed run), 2 on a bad command line.\n";

namespace {

// A whole decimal number >= min, or false.
bool parse_int(const char* s, int64_t min, int64_t* out) {
  char* end = nullptr;
  long long v = std::strtoll(s, &end, 10);
  if (end == s || *end != '\0' || v < min) return false;
  *out = v;
  return true;
}

}  // namespace

std::string parse_options(int argc, char** argv, BenchOptions* o) {
  if (argc < 2) return "no mode";
  std::string_view mode = argv[1];
  if (mode == "produce") o->mode = Mode::kProduce;
  else if (mode == "consume") o->mode = Mode::kConsume;
  else if (mode == "latency") o->mode = Mode::kLatency;
  else return "unknown mode '" + std::string(mode) + "'";
  bool records_given = false;
  for (int i = 2; i < argc; i += 2) {
    std::string_view flag = argv[i];
    if (i + 1 >= argc) return std::string(flag) + " needs a value";
    const char* value = argv[i + 1];
    int64_t n = 0;
    if (flag == "--brokers") o->brokers = value;
    else if (flag == "--topic") o->topic = value;
    else if (flag == "--records" && parse_int(value, 1, &n)) o->records = n, records_given = true;
    else if (flag == "--size" && parse_int(value, 0, &n)) o->record_size = static_cast<size_t>(n);
    else if (flag == "--rate" && parse_int(value, 1, &n)) o->rate = n;
    else if (flag == "--linger-ms" && parse_int(value, 0, &n)) o->linger_ms = static_cast<int>(n);
    else if (flag == "-X" && std::string_view(value).find('=') != std::string_view::npos) {
      std::string_view kv = value;
      size_t eq = kv.find('=');
      o->extra.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
    else return "bad option or value: " + std::string(flag) + " " + value;
  }
  if (o->brokers.empty() || o->topic.empty()) return "--brokers and --topic are required";
  // The latency payload carries its send time: 8 bytes at least.
  if (o->mode == Mode::kLatency && o->record_size < 8) return "latency needs --size >= 8";
  if (o->mode == Mode::kLatency && !records_given) o->records = o->rate * 10;
  return "";
}

}  // namespace kbench
