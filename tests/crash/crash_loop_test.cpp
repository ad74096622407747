// The crash loop: the real server under concurrent load (orders and inventory updates) is
// SIGKILLed at random moments and restarted on the same data directory, K times; then the
// pipeline drains and `orderstream audit` must find nothing. Every acknowledged order is present
// and final; an order whose POST got no answer is absent or complete, never half there.
// Short by default; ORDERSTREAM_CRASH_KILLS=N for a long run, ORDERSTREAM_CRASH_SEED to repeat.
#include "crash/crash_load.h"
#include "crash/crash_support.h"
#include "e2e/server_fixture.h"
#include "support/wait.h"

using namespace orderstream;
using namespace orderstream::test;

TEST_SUITE("crash") {
  TEST_CASE("a server SIGKILLed at random moments under load loses and duplicates nothing") {
    const int kills = crash_kills(5);
    const uint64_t seed = crash_seed("crash loop");
    std::mt19937_64 rng(seed);
    ServerFixture s;
    // The cleaner compacts warehouse-inventory (a stream of stock updates) all the time, so
    // kills also land inside its compactions.
    const std::vector<std::string> serve_args{"--cleaner-interval-ms", "20"};
    s.start(4, serve_args);
    Ledger ledger;
    for (int round = 0; round < kills; ++round) {
      {
        std::lock_guard lock(ledger.mu);
        ledger.acked_in_round = 0;
      }
      // The kill lands after a random number of acknowledged orders, while requests are in
      // flight on every client thread.
      int64_t target = 1 + static_cast<int64_t>(rng() % 150);
      {
        Load load(s.port, ledger, seed, round);
        REQUIRE_MESSAGE(wait_until([&] { return ledger.round_acks() >= target; }, std::chrono::seconds(60)),
                        "round " << round << ": only " << ledger.round_acks() << " orders acknowledged");
        // The audit is exact mid-flight too: beside the loaded server, nothing is a violation.
        require_audit_clean(s.data_dir(), s.dir.str(), /*expect_drained=*/false);
        s.crash();
      }  // ~Load joins the clients: each sees its connection fail and stops
      s.start(4, serve_args);
    }
    {
      std::lock_guard lock(ledger.mu);
      INFO("unexpected answers: " << ledger.errors.size());
      for (const auto& e : ledger.errors) FAIL_CHECK(e);
    }
    MESSAGE(kills << " kills; " << ledger.acked.size() << " orders acknowledged, "
                  << ledger.unknown.size() << " unanswered");

    REQUIRE_MESSAGE(wait_until([&] { return lag_of(s.data_dir()) == 0; }, std::chrono::seconds(120)),
                    "the pipeline did not drain; lag " << lag_of(s.data_dir()));
    // Beside the live server: every invariant holds and every order is final.
    MESSAGE(require_audit_clean(s.data_dir(), s.dir.str(), /*expect_drained=*/true));

    auto counts = order_counts(s.data_dir());
    for (const std::string& id : ledger.acked) {
      auto it = counts.find(id);
      REQUIRE_MESSAGE(it != counts.end(), "acknowledged order " << id << " is missing");
      CHECK_MESSAGE(it->second.created == 1, id);
      CHECK_MESSAGE(it->second.finals == 1, id);
    }
    int64_t unknown_present = 0;
    for (const std::string& id : ledger.unknown) {
      auto it = counts.find(id);
      if (it == counts.end()) continue;
      ++unknown_present;
      CHECK_MESSAGE(it->second.created == 1, id);
      CHECK_MESSAGE(it->second.finals == 1, id);
    }
    MESSAGE(unknown_present << " of the unanswered orders were stored (complete)");
    // The HTTP view agrees with the log for a sample of acknowledged orders.
    int checked = 0;
    for (auto it = ledger.acked.begin(); it != ledger.acked.end() && checked < 20; ++it, ++checked) {
      HttpResult r = s.get("/v1/orders/" + *it + "/validated?timeout=10000");
      CHECK_MESSAGE(r.status == 200, *it << ": " << r.body);
    }
    CHECK(s.stop() == 0);
  }
}
