// Small pieces every mode of kafka_bench shares: the failure line, the clock, the payload, and
// the delivery-report tally. Header-only; a Deliveries is touched only by the thread that polls
// its producer (librdkafka runs delivery callbacks inside rd_kafka_poll/flush).
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace kbench {

using Clock = std::chrono::steady_clock;

inline int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

inline double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Prints why the run failed; returns the exit code of a failed run.
inline int fail(const char* what, const std::string& why) {
  std::fprintf(stderr, "kafka_bench: %s: %s\n", what, why.c_str());
  return 1;
}

// The same bytes as `orderstream bench log` writes ('a'..'z' repeating), so both move the same
// records.
inline std::string make_payload(size_t size) {
  std::string v(size, 'x');
  for (size_t i = 0; i < size; ++i) v[i] = static_cast<char>('a' + i % 26);
  return v;
}

// Counts delivery reports. Any failed delivery fails the run, so the first reason is kept.
// With time_acks, each payload's first 8 bytes are its due time (now_ns), and ack_ns gets
// produce-to-ack times: the latency run's split between the ack and the fetch.
struct Deliveries {
  int64_t ok = 0;
  int64_t failed = 0;
  std::string first_error;
  bool time_acks = false;
  std::vector<int64_t> ack_ns;

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* d = static_cast<Deliveries*>(opaque);
    if (!m->err) {
      ++d->ok;
      int64_t due = 0;
      if (d->time_acks && m->len >= sizeof due) {
        std::memcpy(&due, m->payload, sizeof due);
        d->ack_ns.push_back(now_ns() - due);
      }
      return;
    }
    if (d->failed++ == 0) d->first_error = rd_kafka_err2str(m->err);
  }
};

// Produces one copy of `value` to any partition (librdkafka's partitioner picks), waiting
// while the local queue is full. False and *error on any other refusal.
inline bool produce_one(rd_kafka_t* rk, rd_kafka_topic_t* rkt, const char* value, size_t size, std::string* error) {
  while (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, const_cast<char*>(value), size, nullptr, 0,
                          nullptr) != 0) {
    rd_kafka_resp_err_t err = rd_kafka_last_error();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      *error = rd_kafka_err2str(err);
      return false;
    }
    rd_kafka_poll(rk, 1);  // serves delivery reports, which frees queue space
  }
  return true;
}

}  // namespace kbench
