// GET /v1/topics/{topic}/stream (Server-Sent Events) against the real binary: records produced
// after connecting arrive one by one on the open connection, Last-Event-ID resumes exactly after
// the last event, group= commits, a departed client is noticed and a stopping server ends the
// stream cleanly.
#include <doctest/doctest.h>

#include <future>

#include "e2e/proxy_support.h"
#include "support/wait.h"

namespace orderstream::test {

namespace {

constexpr const char* kTopic = "sse-events";

// The value of the last `id:` line of an event stream.
std::string last_id(const std::string& body) {
  size_t at = body.rfind("\nid: ");
  if (at == std::string::npos) at = body.rfind("id: ");
  else ++at;
  REQUIRE_MESSAGE(at != std::string::npos, body);
  size_t start = at + 4;
  return body.substr(start, body.find('\n', start) - start);
}

size_t count(const std::string& body, const std::string& what) {
  size_t n = 0;
  for (size_t at = body.find(what); at != std::string::npos; at = body.find(what, at + 1)) ++n;
  return n;
}

// One stream request with a Last-Event-ID header, over a raw socket; the whole response.
std::string get_with_last_event_id(ServerFixture& s, const std::string& target, const std::string& id) {
  RawSocket sock(s.port);
  REQUIRE(sock.connected());
  REQUIRE(sock.write("GET " + target + " HTTP/1.1\r\nHost: x\r\nLast-Event-ID: " + id +
                     "\r\nConnection: close\r\n\r\n"));
  return sock.read(30000);
}

}  // namespace

// Opens a stream over a raw socket and reads its head.
void open_stream(RawSocket& sock, const std::string& target, std::string* seen) {
  REQUIRE(sock.connected());
  REQUIRE(sock.write("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n"));
  REQUIRE_MESSAGE(sock.read_until(seen, "retry: 1000"), *seen);
  CHECK(seen->rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(seen->find("Content-Type: text/event-stream\r\n") != std::string::npos);
  CHECK(seen->find("Transfer-Encoding: chunked\r\n") != std::string::npos);
}

// The `http_connections_open` gauge.
int open_connections(ServerFixture& s) { return static_cast<int>(metric(s, "http_connections_open")); }

TEST_CASE("sse: records produced after connecting arrive one by one on the open stream, and Last-Event-ID resumes") {
  ServerFixture s;
  start_with_topic(s, kTopic, 1);
  produce(s, kTopic, "{\"value\":{\"n\":-1}}");  // offset 0: before the stream's start
  RawSocket sock(s.port);
  std::string seen;
  open_stream(sock, std::string("/v1/topics/") + kTopic + "/stream?offset=1", &seen);
  // Each record arrives before the next is produced: the connection stays open.
  for (int n = 0; n < 3; ++n) {
    produce(s, kTopic, "{\"key\":\"k\",\"value\":{\"n\":" + std::to_string(n) + "}}");
    REQUIRE_MESSAGE(sock.read_until(&seen, "\"value\":{\"n\":" + std::to_string(n) + "}"), seen);
  }
  CHECK(seen.find("event: record\ndata: {\"topic\":\"sse-events\",\"key\":\"k\",\"value\":{\"n\":0}") !=
        std::string::npos);
  CHECK(seen.find("{\"n\":-1}") == std::string::npos);
  CHECK(count(seen, "event: record") == 3);
  const std::string id = last_id(seen);
  CHECK(id == "0-3");

  // Resume: everything after the last event, once (timeout=0: what is there, then the end).
  produce(s, kTopic, "{\"value\":{\"n\":100}},{\"value\":{\"n\":101}}");
  std::string resumed = get_with_last_event_id(s, std::string("/v1/topics/") + kTopic + "/stream?timeout=0", id);
  CHECK(resumed.find("HTTP/1.1 200") == 0);
  CHECK(count(resumed, "event: record") == 2);
  CHECK(resumed.find("\"value\":{\"n\":2}") == std::string::npos);
  CHECK(resumed.find("\"value\":{\"n\":101}") != std::string::npos);
  // Nothing new after the last id: a heartbeat with the same cursor.
  std::string idle = get_with_last_event_id(s, std::string("/v1/topics/") + kTopic + "/stream?timeout=0",
                                            last_id(resumed));
  CHECK(idle.find(": heartbeat") != std::string::npos);
  CHECK(count(idle, "event: record") == 0);
  CHECK(last_id(idle) == last_id(resumed));
}

TEST_CASE("sse: a client that disconnects is noticed, and stopping the server ends open streams cleanly") {
  ServerFixture s;
  start_with_topic(s, kTopic, 2);
  const int base = open_connections(s);  // the /metrics request's own connection
  {
    RawSocket gone(s.port);
    std::string seen;
    open_stream(gone, std::string("/v1/topics/") + kTopic + "/stream", &seen);
    CHECK(open_connections(s) == base + 1);
  }
  CHECK(wait_until([&] { return open_connections(s) == base; }, std::chrono::seconds(30)));

  RawSocket open(s.port);
  std::string seen;
  open_stream(open, std::string("/v1/topics/") + kTopic + "/stream?offset=earliest", &seen);
  produce(s, kTopic, "{\"key\":\"a\",\"value\":\"before-stop\"}");
  REQUIRE(open.read_until(&seen, "before-stop"));
  CHECK(s.stop() == 0);
  // The body ends with the last chunk, not a reset.
  CHECK_MESSAGE(open.read_until(&seen, "\r\n0\r\n\r\n"), seen);
}

TEST_CASE("sse: with group= the progress is committed and a new stream resumes after it") {
  ServerFixture s;
  start_with_topic(s, kTopic, 2);
  produce(s, kTopic, "{\"key\":\"a\",\"value\":1},{\"key\":\"b\",\"value\":2},{\"key\":\"c\",\"value\":3}");
  const std::string target = std::string("/v1/topics/") + kTopic + "/stream?group=sg&offset=earliest&timeout=0";
  HttpResult first = s.get(target);
  REQUIRE(first.status == 200);
  CHECK(count(first.body, "event: record") == 3);
  HttpResult second = s.get(target);
  REQUIRE(second.status == 200);
  CHECK(count(second.body, "event: record") == 0);
  produce(s, kTopic, "{\"key\":\"d\",\"value\":4}");
  HttpResult third = s.get(target);
  CHECK(count(third.body, "event: record") == 1);
  CHECK(third.body.find("\"key\":\"d\"") != std::string::npos);
}

TEST_CASE("sse: a cursor leaves out partitions nothing was delivered from, and a resume reads them from the start") {
  ServerFixture s;
  start_with_topic(s, kTopic, 4);
  // An empty topic: no id line at all (an empty id would reset the client's last one).
  HttpResult none = s.get(std::string("/v1/topics/") + kTopic + "/stream?timeout=0");
  REQUIRE(none.status == 200);
  CHECK(none.body.find("id:") == std::string::npos);

  produce(s, kTopic, "{\"partition\":2,\"value\":1}");
  const std::string target = std::string("/v1/topics/") + kTopic + "/stream?offset=earliest&timeout=0";
  HttpResult first = s.get(target);
  REQUIRE(first.status == 200);
  CHECK(count(first.body, "event: record") == 1);
  CHECK(last_id(first.body) == "2-0");
  CHECK(first.body.find("--1") == std::string::npos);

  // Partition 0 was empty when the cursor was made: resuming reads its new record too.
  produce(s, kTopic, "{\"partition\":0,\"value\":2}");
  std::string resumed = get_with_last_event_id(s, std::string("/v1/topics/") + kTopic + "/stream?timeout=0", "2-0");
  CHECK(count(resumed, "event: record") == 1);
  CHECK(resumed.find("\"partition\":0") != std::string::npos);
  CHECK(last_id(resumed) == "0-0,2-0");

}

TEST_CASE("sse: errors are JSON") {
  ServerFixture s;
  start_with_topic(s, kTopic, 1);
  HttpResult unknown = s.get("/v1/topics/nope/stream");
  CHECK(unknown.status == 404);
  CHECK(unknown.body.find("\"error_code\":40401") != std::string::npos);
  CHECK(s.get(std::string("/v1/topics/") + kTopic + "/stream?offset=soon").status == 400);
  CHECK(s.get(std::string("/v1/topics/") + kTopic + "/stream?lastEventId=7-1").status == 400);
  CHECK(s.get(std::string("/v1/topics/") + kTopic + "/stream?timeout=-5").status == 400);
}

}  // namespace orderstream::test
