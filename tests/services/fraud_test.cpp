#include "services/fraud.h"

#include <doctest/doctest.h>

#include <random>

#include "services/pipeline_fixture.h"

using namespace orderstream;
using namespace orderstream::services;
using test::Pipeline;

namespace {

constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kT0 = 1'700'000'000'000;  // virtual clock start

// A pipeline with plenty of stock, for fraud results only. Orders are one unit at `price`.
struct Fraud {
  Pipeline p;
  int n = 0;
  explicit Fraud(int32_t partitions = 1) : p(partitions) {
    p.stock(Product::kUnderpants, 1'000'000, 1);
  }
  // Places an order worth `value` for `customer` at `ts`; returns its fraud result.
  std::optional<ValidationResult> order(int64_t customer, double value, int64_t ts,
                                        std::string id = "") {
    if (id.empty()) id = "o" + std::to_string(n++);
    p.order(id, customer, Product::kUnderpants, 1, value, ts);
    return p.result(CheckType::kFraudCheck, id);
  }
};

constexpr auto kPass = ValidationResult::kPass;
constexpr auto kFail = ValidationResult::kFail;

}  // namespace

TEST_SUITE("fraud") {
  TEST_CASE("session totals just under 2000 pass, and 2000 and more fail") {
    Fraud f;
    CHECK(f.order(1, 1999.99, kT0) == kPass);
    CHECK(f.order(2, 2000.0, kT0) == kFail);
    CHECK(f.order(3, 2000.01, kT0) == kFail);
    CHECK(f.order(4, 1000.0, kT0) == kPass);
    CHECK(f.order(4, 999.99, kT0 + 1000) == kPass);  // 1999.99
    CHECK(f.order(4, 0.01, kT0 + 2000) == kFail);    // 2000.00: crosses
    // quantity x price, not price alone.
    f.p.order("qty", 5, Product::kUnderpants, 4, 500.0, kT0);
    CHECK(f.p.result(CheckType::kFraudCheck, "qty") == kFail);
  }

  TEST_CASE("once a session crosses the limit, later orders in that session fail") {
    Fraud f;
    CHECK(f.order(1, 1500, kT0) == kPass);
    CHECK(f.order(1, 600, kT0 + 10 * 60 * 1000) == kFail);
    CHECK(f.order(1, 0.01, kT0 + 20 * 60 * 1000) == kFail);
    CHECK(f.order(1, 0, kT0 + 30 * 60 * 1000) == kFail);
  }

  TEST_CASE("a negative order value does not lower the session total") {
    Fraud f;
    CHECK(f.order(1, 2500, kT0) == kFail);
    // Order details FAILs this one; fraud must not let it buy back room under the limit.
    f.p.order("refund", 1, Product::kUnderpants, -10, 1000.0, kT0 + 1000);
    CHECK(f.order(1, 1, kT0 + 2000) == kFail);
  }

  TEST_CASE("a gap of more than one hour starts a new session") {
    Fraud f;
    CHECK(f.order(1, 1500, kT0) == kPass);
    CHECK(f.order(1, 600, kT0 + kHour + 1) == kPass);  // new session: 600
    CHECK(f.order(1, 1000, kT0 + 2 * kHour) == kPass);  // same as the previous: 1600
    CHECK(f.order(1, 500, kT0 + 2 * kHour + 1) == kFail);  // 2100
    // After a failed session, a new one passes again.
    CHECK(f.order(1, 10, kT0 + 10 * kHour) == kPass);
  }

  TEST_CASE("a gap of exactly one hour stays in the session (the gap is inclusive, as in Kafka)") {
    Fraud f;
    CHECK(f.order(1, 1500, kT0) == kPass);
    CHECK(f.order(1, 600, kT0 + kHour) == kFail);  // same session: 2100
  }

  TEST_CASE("an out-of-order order that bridges two sessions merges them") {
    Fraud f;
    CHECK(f.order(1, 1000, kT0) == kPass);
    CHECK(f.order(1, 900, kT0 + 2 * kHour) == kPass);  // a separate session
    // Arrives late with an event time between the two: within an hour of both.
    CHECK(f.order(1, 200, kT0 + kHour) == kFail);  // 1000 + 200 + 900
    CHECK(f.order(1, 1, kT0 + 2 * kHour + 30 * 60 * 1000) == kFail);  // the merged session
  }

  TEST_CASE("an out-of-order order near only one session joins just that one") {
    Fraud f;
    CHECK(f.order(1, 1500, kT0) == kPass);
    CHECK(f.order(1, 1500, kT0 + 3 * kHour) == kPass);
    CHECK(f.order(1, 400, kT0 + kHour / 2) == kPass);  // 1900 with the first only
    CHECK(f.order(1, 100, kT0 + kHour / 2) == kFail);  // 2000
  }

  TEST_CASE("customers are isolated") {
    Fraud f(4);
    CHECK(f.order(1, 1999, kT0) == kPass);
    CHECK(f.order(2, 1999, kT0) == kPass);
    CHECK(f.order(1, 1, kT0 + 1) == kFail);
    CHECK(f.order(3, 1, kT0 + 2) == kPass);
    CHECK(f.order(2, 0.5, kT0 + 3) == kPass);
  }

  TEST_CASE("a duplicate CREATED record is counted once") {
    Fraud f;
    CHECK(f.order(1, 1200, kT0, "dup") == kPass);
    f.p.order("dup", 1, Product::kUnderpants, 1, 1200, kT0);  // the same record again
    CHECK(f.order(1, 700, kT0 + 1000) == kPass);  // 1900, not 3100
    CHECK(f.p.results(CheckType::kFraudCheck).size() == 2);
  }

  TEST_CASE("results are the same with 1 and 4 partitions") {
    uint32_t seed = std::random_device{}();
    CAPTURE(seed);
    std::mt19937 rng(seed);
    struct Placed {
      int64_t customer;
      double value;
      int64_t ts;
    };
    std::vector<Placed> orders;
    int64_t ts = kT0;
    for (int i = 0; i < 120; ++i) {
      ts += std::uniform_int_distribution<int64_t>(0, kHour / 2)(rng);
      // Some out of order, by up to two hours.
      int64_t at = rng() % 5 == 0 ? ts - std::uniform_int_distribution<int64_t>(0, 2 * kHour)(rng) : ts;
      orders.push_back({static_cast<int64_t>(rng() % 5),
                        std::uniform_int_distribution<int>(0, 150000)(rng) / 100.0, at});
    }
    std::map<std::string, ValidationResult> by_partitions[2];
    int idx = 0;
    for (int32_t partitions : {1, 4}) {
      CAPTURE(partitions);
      Pipeline p(partitions);
      p.stock(Product::kUnderpants, 1'000'000, 1);
      for (size_t i = 0; i < orders.size(); ++i)
        p.order("o" + std::to_string(i), orders[i].customer, Product::kUnderpants, 1, orders[i].value,
                orders[i].ts);
      by_partitions[idx++] = p.results(CheckType::kFraudCheck);
    }
    CHECK(by_partitions[0].size() == orders.size());
    CHECK(by_partitions[0] == by_partitions[1]);
    int fails = 0;
    for (auto& [id, r] : by_partitions[0]) fails += r == kFail;
    CHECK(fails > 0);  // the mix crosses the limit somewhere, so both outcomes are compared
  }
}
