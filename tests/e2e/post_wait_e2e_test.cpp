// End-to-end: POST /v1/orders?wait=validated answers with the final order in one round trip,
// and /metrics shows the write pipeline.
#include "e2e/server_fixture.h"

#include "support/wait.h"

using namespace orderstream::test;

namespace {

bool has(const std::string& body, const std::string& part) { return body.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("e2e post wait") {
  TEST_CASE("POST with wait=validated answers 201 with the final order: VALIDATED or FAILED") {
    ServerFixture s;
    s.start();
    REQUIRE(s.put("/v1/inventory/JUMPERS", "{\"stock\":1}").status == 200);
    auto ok = s.post("/v1/orders?wait=validated&timeout=60000", order_json("w1", 1, "JUMPERS", 1, 1.0));
    CHECK(ok.status == 201);
    CHECK(ok.header("location") == "/v1/orders/w1");
    CHECK(ok.header("content-type") == "application/json");
    CHECK(has(ok.body, "\"id\":\"w1\""));
    CHECK(has(ok.body, "\"state\":\"VALIDATED\""));
    // The stock is taken: the next order fails on inventory, and says so in the same answer.
    auto failed = s.post("/v1/orders?wait=validated&timeout=60000", order_json("w2", 2, "JUMPERS", 1, 1.0));
    CHECK(failed.status == 201);
    CHECK(has(failed.body, "\"state\":\"FAILED\""));
    // An identical re-POST is idempotent and answers with the order's final state.
    auto again = s.post("/v1/orders?wait=validated&timeout=60000", order_json("w1", 1, "JUMPERS", 1, 1.0));
    CHECK(again.status == 201);
    CHECK(has(again.body, "\"state\":\"VALIDATED\""));
    // Without wait, the answer is the order as posted, once it is durably in the log.
    auto plain = s.post("/v1/orders", order_json("w3", 3, "JUMPERS", 1, 1.0));
    CHECK(plain.status == 201);
    CHECK(has(plain.body, "\"state\":\"CREATED\""));
  }

  TEST_CASE("POST with wait=validated answers 202 with Location when the timeout passes first") {
    ServerFixture s;
    s.start();
    REQUIRE(s.put("/v1/inventory/JUMPERS", "{\"stock\":5}").status == 200);
    // No validation can run within 0 ms: the timer answers first.
    auto r = s.post("/v1/orders?wait=validated&timeout=0", order_json("late", 1, "JUMPERS", 1, 1.0));
    CHECK(r.status == 202);
    CHECK(r.header("location") == "/v1/orders/late");
    CHECK(has(r.body, "\"state\":\"CREATED\""));
    // The order was accepted all the same: it goes on to its final state.
    auto g = s.get("/v1/orders/late/validated?timeout=60000");
    CHECK(g.status == 200);
    CHECK(has(g.body, "\"state\":\"VALIDATED\""));
  }

  TEST_CASE("POST with a bad wait or timeout is 400 with a JSON error, and nothing is stored") {
    ServerFixture s;
    s.start();
    for (const char* q : {"?wait=final", "?wait=", "?wait=validated&timeout=-1",
                          "?wait=validated&timeout=abc", "?wait=validated&timeout=999999999"}) {
      CAPTURE(q);
      auto r = s.post(std::string("/v1/orders") + q, order_json("bad-wait", 1, "JUMPERS", 1, 1.0));
      CHECK(r.status == 400);
      CHECK(r.header("content-type") == "application/json");
      CHECK(has(r.body, "\"code\":\"InvalidArgument\""));
    }
    CHECK(s.get("/v1/orders/bad-wait?timeout=0").status == 504);
  }

  TEST_CASE("/metrics shows commits, records and writes per commit, the queue and per-hop latency") {
    ServerFixture s;
    s.start();
    REQUIRE(s.put("/v1/inventory/JUMPERS", "{\"stock\":5}").status == 200);
    REQUIRE(s.post("/v1/orders?wait=validated&timeout=60000", order_json("m1", 1, "JUMPERS", 1, 1.0)).status == 201);
    std::string m = s.get("/metrics").body;
    CHECK(has(m, "log_commits_total "));
    CHECK(!has(m, "log_commits_total 0\n"));
    CHECK(has(m, "log_records_per_commit_count "));
    CHECK(has(m, "log_writes_per_commit_bucket{le=\"1\"}"));
    CHECK(has(m, "log_commit_seconds_bucket"));
    CHECK(has(m, "log_sync_seconds_count"));
    CHECK(has(m, "log_write_queue_depth 0"));
    // The aggregator saw the order's validations: its age histogram counted them.
    CHECK(has(m, "stream_record_age_seconds_count{partition="));
    CHECK(has(m, "task=\"validations-aggregator\""));
  }
}
