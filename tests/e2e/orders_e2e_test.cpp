// End-to-end: the real binary, HTTP, the whole pipeline.
#include "e2e/server_fixture.h"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "support/wait.h"

using namespace orderstream::test;

namespace {

std::string state_of(const std::string& body) {
  for (const char* s : {"VALIDATED", "FAILED", "CREATED"})
    if (body.find(std::string("\"state\":\"") + s + "\"") != std::string::npos) return s;
  return "?";
}

// Posts `n` one-unit orders of `product` from distinct customers with `threads` clients and
// waits for each final state. Returns the count per final state.
std::map<std::string, int> post_and_wait(ServerFixture& s, const std::string& prefix, int n,
                                         const std::string& product, int threads) {
  std::map<std::string, int> states;
  std::mutex mu;
  std::atomic<int> next{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      HttpConnection c(s.port);
      for (int i = next++; i < n; i = next++) {
        std::string id = prefix + std::to_string(i);
        auto r = c.request(bhttp::verb::post, "/v1/orders", order_json(id, 1000 + i, product, 1, 1.0));
        std::string st = "POST " + std::to_string(r.status);
        if (r.status == 201) {
          auto g = c.request(bhttp::verb::get, "/v1/orders/" + id + "/validated?timeout=60000");
          st = g.status == 200 ? state_of(g.body) : "GET " + std::to_string(g.status);
        }
        std::lock_guard lock(mu);
        states[st]++;
      }
    });
  }
  for (auto& t : ts) t.join();
  return states;
}

}  // namespace

TEST_SUITE("e2e orders") {
  TEST_CASE("ten orders against stock ten validate, and with stock zero they fail") {
    ServerFixture s;
    s.start();
    auto put = s.put("/v1/inventory/JUMPERS", "{\"stock\":10}");
    REQUIRE(put.status == 200);
    auto first = post_and_wait(s, "a", 10, "JUMPERS", 4);
    CHECK(first["VALIDATED"] == 10);
    auto inv = s.get("/v1/inventory/JUMPERS");
    CHECK(inv.body == "{\"product\":\"JUMPERS\",\"stock\":10,\"reserved\":10}");
    REQUIRE(s.put("/v1/inventory/JUMPERS", "{\"stock\":0}").status == 200);
    auto second = post_and_wait(s, "b", 10, "JUMPERS", 4);
    CHECK(second["FAILED"] == 10);
    CHECK(s.stop() == 0);
  }

  TEST_CASE("1000 concurrent orders against stock 100 validate exactly 100, with 1 and 8 partitions") {
    for (int partitions : {1, 8}) {
      CAPTURE(partitions);
      ServerFixture s;
      s.start(partitions);
      REQUIRE(s.put("/v1/inventory/UNDERPANTS", "{\"stock\":100}").status == 200);
      auto states = post_and_wait(s, "c", 1000, "UNDERPANTS", 32);
      CHECK(states["VALIDATED"] == 100);
      CHECK(states["FAILED"] == 900);
      // `reserved` is read from the inventory task's store; failed orders released nothing
      // they had not reserved, so it settles at exactly the validated quantity.
      CHECK(wait_until([&] { return s.get("/v1/inventory/UNDERPANTS").body.find("\"reserved\":100}") != std::string::npos; },
                       std::chrono::seconds(30)));
    }
  }

  TEST_CASE("a GET of an unknown order times out with 504 and a JSON error") {
    ServerFixture s;
    s.start();
    auto r = s.get("/v1/orders/never-posted?timeout=100");
    CHECK(r.status == 504);
    CHECK(r.header("content-type") == "application/json");
    CHECK(r.body.find("\"code\":\"Timeout\"") != std::string::npos);
  }

  TEST_CASE("fifty clients waiting on one order are all answered when it completes") {
    ServerFixture s;
    s.start();
    REQUIRE(s.put("/v1/inventory/STOCKINGS", "{\"stock\":5}").status == 200);
    std::atomic<int> answered{0};
    std::vector<std::thread> waiters;
    for (int i = 0; i < 50; ++i)
      waiters.emplace_back([&] {
        auto r = http_request(s.port, bhttp::verb::get, "/v1/orders/shared/validated?timeout=60000");
        if (r.status == 200 && state_of(r.body) == "VALIDATED") answered++;
      });
    // Every wait must be parked before the order exists, or the test proves nothing.
    REQUIRE(wait_until([&] { return s.get("/metrics").body.find("orders_waits_parked 50") != std::string::npos; },
                       std::chrono::seconds(30)));
    REQUIRE(s.post("/v1/orders", order_json("shared", 7, "STOCKINGS", 1, 2.5)).status == 201);
    for (auto& t : waiters) t.join();
    CHECK(answered == 50);
    CHECK(s.get("/metrics").body.find("orders_waits_parked 0") != std::string::npos);
    // Answered early, each wait cancelled its 60 s timer: none is left armed.
    CHECK(wait_until([&] { return metric(s, "http_timers_armed") == 0; }, std::chrono::seconds(10)));
  }

  TEST_CASE("a wait answered at once arms no timer for its whole timeout") {
    ServerFixture s;
    s.start();
    REQUIRE(s.put("/v1/inventory/STOCKINGS", "{\"stock\":5}").status == 200);
    REQUIRE(s.post("/v1/orders?wait=validated", order_json("done", 7, "STOCKINGS", 1, 2.5)).status == 201);
    for (int i = 0; i < 20; ++i) REQUIRE(s.get("/v1/orders/done/validated?timeout=300000").status == 200);
    CHECK(wait_until([&] { return metric(s, "http_timers_armed") == 0; }, std::chrono::seconds(10)));
  }

  TEST_CASE("POST is idempotent for an identical order and 409 for a different one") {
    ServerFixture s;
    s.start();
    std::string body = order_json("same", 1, "JUMPERS", 1, 1.0);
    auto a = s.post("/v1/orders", body);
    auto b = s.post("/v1/orders/", body);  // trailing slash too
    CHECK(a.status == 201);
    CHECK(a.header("location") == "/v1/orders/same");
    CHECK(b.status == 201);
    auto c = s.post("/v1/orders", order_json("same", 2, "JUMPERS", 1, 1.0));
    CHECK(c.status == 409);
    CHECK(c.body.find("\"code\":\"Conflict\"") != std::string::npos);
    auto bad = s.post("/v1/orders", "{\"id\":\"x\",\"customerId\":\"one\"}");
    CHECK(bad.status == 400);
    CHECK(bad.header("content-type") == "application/json");
  }
  TEST_CASE("GET of a customer answers at once, or with ?timeout= waits for the customers table to have it") {
    ServerFixture s;
    s.start(2);
    HttpResult unknown = s.get("/v1/customers/42");
    CHECK(unknown.status == 404);
    CHECK(unknown.body.find("\"code\":\"NotFound\"") != std::string::npos);
    CHECK(s.get("/v1/customers/42?timeout=50").status == 404);  // waited, still unknown
    CHECK(s.get("/v1/customers/42?timeout=soon").status == 400);
    HttpResult posted = s.post("/v1/customers", "{\"id\":42,\"firstName\":\"Ada\",\"lastName\":\"L\",\"email\":\"a@x\",\"address\":\"here\"}");
    REQUIRE(posted.status == 201);
    HttpResult got = s.get("/v1/customers/42?timeout=30000");
    REQUIRE(got.status == 200);
    CHECK(got.body.find("\"level\":\"bronze\"") != std::string::npos);
  }
}
