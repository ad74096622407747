// Good and hostile clients at the same time against the real binary: every hostile request is
// answered 4xx (or the connection is cut, for a body over the limit), and every order answered
// 201 still reaches a final state; the log holds exactly the good orders.
#include "e2e/hostile_fixture.h"

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace orderstream::test;

namespace {

// The hostile mix, cycled through by the bad clients.
std::vector<std::string> bad_bodies() {
  return {
      "{", "[]", "null", std::string(20000, '['),
      R"({"id":"x","customerId":1,"state":"CREATED","product":"SOCKS","quantity":1,"price":1})",
      R"({"id":"x","customerId":1,"state":"CREATED","product":"JUMPERS","quantity":2147483648,"price":1})",
      R"({"id":"x","customerId":1,"state":"CREATED","product":"JUMPERS","quantity":1,"price":1e400})",
      R"({"id":"../x","customerId":1,"state":"CREATED","product":"JUMPERS","quantity":1,"price":1})",
      "{\"id\":\"\xff\",\"customerId\":1,\"state\":\"CREATED\",\"product\":\"JUMPERS\",\"quantity\":1,\"price\":1}",
      R"({"id":"x","customerId":1,"state":"CREATED","product":"JUMPERS","quantity":1,"price":1,"x":1})",
      std::string(2 << 20, ' '),  // over the 1 MB body limit: 413
  };
}

}  // namespace

TEST_SUITE("e2e hostile load") {
  TEST_CASE("a mixed good and bad concurrent load loses no good order") {
    ServerFixture s;
    s.start();
    REQUIRE(s.put("/v1/inventory/JUMPERS", "{\"stock\":100}").status == 200);
    constexpr int kGoodThreads = 4, kBadThreads = 4, kPerThread = 60;
    std::mutex mu;
    std::set<std::string> created;
    std::vector<std::string> failures;
    auto fail = [&](std::string what) {
      std::lock_guard lock(mu);
      failures.push_back(std::move(what));
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < kGoodThreads; ++t) {
      threads.emplace_back([&, t] {
        HttpConnection c(s.port);
        for (int i = 0; i < kPerThread; ++i) {
          const std::string id = "good-" + std::to_string(t) + "-" + std::to_string(i);
          HttpResult r = c.request(bhttp::verb::post, "/v1/orders",
                                   order_json(id, 100 * t + i, "JUMPERS", 1, 2.5));
          if (r.status == 201) {
            std::lock_guard lock(mu);
            created.insert(id);
          } else {
            fail("good order " + id + ": " + std::to_string(r.status) + " " + r.body);
          }
        }
      });
    }
    const std::vector<std::string> bad = bad_bodies();
    for (int t = 0; t < kBadThreads; ++t) {
      threads.emplace_back([&, t] {
        HttpConnection c(s.port);
        for (int i = 0; i < kPerThread; ++i) {
          const std::string& body = bad[static_cast<size_t>(t * kPerThread + i) % bad.size()];
          HttpResult r = c.request(bhttp::verb::post, "/v1/orders", body);
          // A body over the limit may be cut off while it is still being sent (status 0).
          const bool ok = (r.status >= 400 && r.status < 500 && is_json_error(r.body)) ||
                          (r.status == 0 && body.size() > (1 << 20));
          if (!ok) fail("bad body #" + std::to_string(i) + ": " + std::to_string(r.status) + " " + r.body);
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK_MESSAGE(failures.empty(), failures.size() << " failures, first: "
                                                   << (failures.empty() ? "" : failures[0]));
    CHECK(created.size() == kGoodThreads * kPerThread);
    // Every acknowledged order reaches a final state.
    HttpConnection c(s.port);
    int final_states = 0;
    for (const std::string& id : created) {
      HttpResult r = c.request(bhttp::verb::get, "/v1/orders/" + id + "/validated?timeout=60000");
      const bool final = r.status == 200 && (r.body.find("\"state\":\"VALIDATED\"") != std::string::npos ||
                                             r.body.find("\"state\":\"FAILED\"") != std::string::npos);
      if (final) {
        ++final_states;
      } else {
        MESSAGE(id << ": " << r.status << " " << r.body);
      }
    }
    CHECK(final_states == static_cast<int>(created.size()));
    // The orders topic holds exactly the good orders' creations (plus their state changes).
    REQUIRE(s.stop() == 0);
    CliResult out = run_binary({"--data-dir", s.data_dir(), "consume", "orders", "--exit"}, "",
                               s.dir.str());
    REQUIRE_MESSAGE(out.code == 0, out.err);
    std::set<std::string> in_log;
    for (size_t at = 0; (at = out.out.find("\"id\":\"", at)) != std::string::npos;) {
      at += 6;
      in_log.insert(out.out.substr(at, out.out.find('"', at) - at));
    }
    CHECK(in_log == created);
  }
}
