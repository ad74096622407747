// A small raw Kafka client for e2e tests: request frames (size, v1 header, body), splitting what
// the server sent into responses, and one request at a time on a connection with a deadline.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kafka/record_batch.h"
#include "kafka/wire.h"
#include "support/http_client.h"

namespace orderstream::test {

// A request frame: size, then the v1 header (client id "e2e-test"), then `body`.
inline std::string kafka_frame(int16_t key, int16_t version, int32_t correlation, const std::string& body = "") {
  kafka::Writer h;
  h.i16(key);
  h.i16(version);
  h.i32(correlation);
  h.string("e2e-test");
  h.raw(body);
  kafka::Writer f;
  f.i32(static_cast<int32_t>(h.size()));
  f.raw(h.bytes());
  return f.take();
}

// Splits what the server sent into (correlation id, body) responses; an incomplete tail is left out.
inline std::vector<std::pair<int32_t, std::string>> kafka_responses(const std::string& bytes) {
  std::vector<std::pair<int32_t, std::string>> out;
  kafka::Reader r(bytes);
  while (r.remaining() >= 8) {
    int32_t size = r.i32();
    if (size < 4 || static_cast<size_t>(size) > r.remaining()) break;
    int32_t correlation = r.i32();
    out.emplace_back(correlation, std::string(r.raw(static_cast<size_t>(size - 4))));
  }
  return out;
}

// In a response that starts with [topics: name, [partitions: index, ...]], with one topic of one
// partition (Produce, OffsetCommit): moves `r` past the index, to that partition's own fields.
inline void enter_only_partition(kafka::Reader& r) {
  REQUIRE(r.array_length() == 1);
  r.string();
  REQUIRE(r.array_length() == 1);
  r.i32();
}

// One connection; call() sends a request and waits for its answer.
class KafkaWireClient {
 public:
  explicit KafkaWireClient(uint16_t port) : sock_(port) { REQUIRE(sock_.connected()); }

  // The response body, or nullopt if none arrived within the timeout (or the server closed).
  std::optional<std::string> call(int16_t key, int16_t version, const std::string& body,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    int32_t correlation = next_++;
    if (!sock_.write(kafka_frame(key, version, correlation, body))) return std::nullopt;
    std::string got;
    auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      bool closed = false;
      got += sock_.read(100, "", &closed);
      auto r = kafka_responses(got);
      if (!r.empty()) {
        REQUIRE(r[0].first == correlation);
        return r[0].second;
      }
      if (closed) break;
    }
    return std::nullopt;
  }

 private:
  RawSocket sock_;
  int32_t next_ = 1;
};

struct Produced {
  int16_t error = 0;
  int64_t base_offset = -1;
  int64_t log_append_time_ms = -1;
};

// The body of a Produce v3 with one batch for topic/partition 0, acks=all.
inline std::string produce_body(const std::string& topic, const kafka::RecordBatch& batch) {
  kafka::Writer w;
  w.nullable_string(std::nullopt);  // transactional id
  w.i16(-1);                         // acks=all
  w.i32(30000);
  w.array_length(1);
  w.string(topic);
  w.array_length(1);
  w.i32(0);
  w.nullable_bytes(kafka::encode_batch(batch));
  return w.take();
}

// That Produce sent and answered: the partition's answer.
inline Produced produce_batch(KafkaWireClient& c, const std::string& topic, const kafka::RecordBatch& batch) {
  auto body = c.call(0, 3, produce_body(topic, batch));
  REQUIRE(body.has_value());
  kafka::Reader r(*body);
  enter_only_partition(r);
  Produced p;
  p.error = r.i16();
  p.base_offset = r.i64();
  p.log_append_time_ms = r.i64();
  REQUIRE(r.ok());
  return p;
}

}  // namespace orderstream::test
