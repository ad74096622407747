// Helpers of the REST Proxy and SSE end-to-end tests: a server with a test topic, and produce.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "e2e/server_fixture.h"

namespace orderstream::test {

inline constexpr const char* kKafkaJson = "application/vnd.kafka.json.v2+json";

// Creates `topic` with the CLI, then starts the server on that data dir.
inline void start_with_topic(ServerFixture& s, const std::string& topic, int partitions) {
  ChildProcess create({OS_BINARY, "--data-dir", s.data_dir(), "topics", "create", topic, "--partitions",
                       std::to_string(partitions)},
                      s.dir.str());
  auto code = create.wait_exit(std::chrono::seconds(30));
  REQUIRE_MESSAGE((code && *code == 0), "topics create failed: " << create.stderr_text());
  s.start(2);
}

inline HttpResult proxy_request(ServerFixture& s, bhttp::verb v, const std::string& target,
                                const std::string& body = "") {
  return http_request(s.port, v, target, body, kKafkaJson);
}

// POSTs `records_json` (the inside of "records":[...]) to the topic; REQUIREs 200.
inline void produce(ServerFixture& s, const std::string& topic, const std::string& records_json) {
  auto r = proxy_request(s, bhttp::verb::post, "/topics/" + topic, "{\"records\":[" + records_json + "]}");
  REQUIRE_MESSAGE(r.status == 200, r.body);
}

}  // namespace orderstream::test
