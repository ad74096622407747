#include "services/ecosystem.h"

#include <doctest/doctest.h>

#include "log/partitioner.h"
#include "services/inventory.h"
#include "services/json_codec.h"
#include "services/topics.h"
#include "stream/runtime.h"
#include "stream/test_driver.h"
#include "support/check_ok.h"
#include "support/temp_dir.h"

using namespace orderstream;
using namespace orderstream::services;

namespace {

struct Pipeline {
  test::TempDir dir{"os-eco"};
  stream::Topology topology = make_ecosystem_topology({}, nullptr);
  stream::TestDriver driver;
  explicit Pipeline(int32_t partitions) : driver(dir.file("data"), topology, partitions) {}

  void stock(Product p, int64_t n, int64_t ts) {
    REQUIRE_OK(driver.pipe(topics::kWarehouseInventory, std::string(to_string(p)),
                           stock_to_log_json(n), ts));
  }
  void order(const std::string& id, int64_t customer, Product p, int32_t qty, double price,
             int64_t ts) {
    Order o{id, customer, OrderState::kCreated, p, qty, price};
    REQUIRE_OK(driver.pipe(topics::kOrders, id, to_json(o), ts));
  }
  // Final state per order id from the orders topic; CHECKs there is at most one each.
  std::map<std::string, OrderState> finals() {
    std::map<std::string, OrderState> out;
    auto all = driver.read_all(topics::kOrders);
    REQUIRE_OK(all);
    for (const auto& r : *all) {
      auto o = order_from_json(*r.value, true);
      REQUIRE_OK(o);
      if (o->state == OrderState::kCreated) continue;
      CHECK_MESSAGE(out.count(o->id) == 0, "second final state for " << o->id);
      out[o->id] = o->state;
    }
    return out;
  }
};

}  // namespace

TEST_SUITE("ecosystem") {
  TEST_CASE("ten one-unit orders against stock ten all validate, the eleventh fails") {
    for (int32_t partitions : {1, 4}) {
      CAPTURE(partitions);
      Pipeline p(partitions);
      p.stock(Product::kJumpers, 10, 1000);
      for (int i = 0; i < 11; ++i)
        p.order("o" + std::to_string(i), i, Product::kJumpers, 1, 1.0, 2000 + i);
      auto finals = p.finals();
      REQUIRE(finals.size() == 11);
      int validated = 0;
      for (auto& [id, st] : finals) validated += st == OrderState::kValidated;
      CHECK(validated == 10);
      CHECK(finals["o10"] == OrderState::kFailed);
    }
  }
}

namespace {

// Everything a run decided: final states, validations per (order, check), reserved stock.
struct Outcome {
  std::map<std::string, OrderState> finals;
  std::map<std::pair<std::string, CheckType>, ValidationResult> validations;
  bool operator==(const Outcome&) const = default;
};

Outcome outcome_of(Pipeline& p) {
  Outcome out;
  out.finals = p.finals();
  auto all = p.driver.read_all(topics::kOrderValidations);
  REQUIRE_OK(all);
  for (const auto& r : *all) {
    auto v = order_validation_from_json(*r.value);
    REQUIRE_OK(v);
    // A replay may repeat a validation, never change it.
    auto [it, inserted] = out.validations.emplace(std::make_pair(v->order_id, v->check_type), v->result);
    CHECK_MESSAGE(it->second == v->result, "conflicting validations for " << v->order_id);
  }
  return out;
}

int64_t reserved_of(Pipeline& p, Product product, int32_t partitions) {
  std::string key(to_string(product));
  auto v = p.driver.store_get(kInventorySubTopology, log::partition_for_key(key, partitions),
                              kInventoryReservedStore, key);
  REQUIRE_OK(v);
  return *v ? std::stoll(**v) : 0;
}

}  // namespace

TEST_SUITE("ecosystem") {
  TEST_CASE("200 one-unit orders from distinct customers against stock 50: exactly 50 validate") {
    for (int32_t partitions : {1, 8}) {
      CAPTURE(partitions);
      Pipeline p(partitions);
      p.stock(Product::kJumpers, 50, 1000);
      for (int i = 0; i < 200; ++i)
        p.order("o" + std::to_string(i), 100 + i, Product::kJumpers, 1, 1.0, 2000 + i);
      auto finals = p.finals();
      CHECK(finals.size() == 200);
      int validated = 0;
      for (auto& [id, st] : finals) validated += st == OrderState::kValidated;
      CHECK(validated == 50);
      CHECK(reserved_of(p, Product::kJumpers, partitions) == 50);
      // Exactly one result per (order, check).
      auto all = p.driver.read_all(topics::kOrderValidations);
      REQUIRE_OK(all);
      CHECK(all->size() == 600);
      std::map<std::pair<std::string, CheckType>, int> seen;
      for (const auto& r : *all) {
        auto v = order_validation_from_json(*r.value);
        REQUIRE_OK(v);
        ++seen[{v->order_id, v->check_type}];
      }
      CHECK(seen.size() == 600);
      for (const auto& [k, n] : seen) CHECK(n == 1);
    }
  }

  TEST_CASE("the same orders piped in bulk (one big step per task) decide the same") {
    for (int32_t partitions : {1, 8}) {
      CAPTURE(partitions);
      Pipeline p(partitions);
      p.stock(Product::kJumpers, 50, 1000);
      for (int i = 0; i < 200; ++i) {
        Order o{"o" + std::to_string(i), 100 + i, OrderState::kCreated, Product::kJumpers, 1, 1.0};
        REQUIRE_OK(p.driver.pipe(topics::kOrders, o.id, to_json(o), 2000 + i, /*defer=*/true));
      }
      REQUIRE_OK(p.driver.advance());
      auto finals = p.finals();
      CHECK(finals.size() == 200);
      int validated = 0;
      for (auto& [id, st] : finals) validated += st == OrderState::kValidated;
      CHECK(validated == 50);
      CHECK(reserved_of(p, Product::kJumpers, partitions) == 50);
    }
  }

  TEST_CASE("a restart mid-stream resumes without duplicate validations or decisions") {
    Pipeline p(4);
    p.stock(Product::kJumpers, 10, 1000);
    for (int i = 0; i < 8; ++i) p.order("a" + std::to_string(i), i, Product::kJumpers, 1, 1.0, 2000 + i);
    for (int i = 0; i < 8; ++i) {
      Order o{"b" + std::to_string(i), 50 + i, OrderState::kCreated, Product::kJumpers, 1, 1.0};
      REQUIRE_OK(p.driver.pipe(topics::kOrders, o.id, to_json(o), 3000 + i, /*defer=*/true));
    }
    REQUIRE_OK(p.driver.reopen());
    REQUIRE_OK(p.driver.advance());
    Outcome o = outcome_of(p);
    CHECK(o.finals.size() == 16);
    CHECK(o.validations.size() == 48);
    auto all = p.driver.read_all(topics::kOrderValidations);
    REQUIRE_OK(all);
    CHECK(all->size() == 48);
    int validated = 0;
    for (auto& [id, st] : o.finals) validated += st == OrderState::kValidated;
    CHECK(validated == 10);
    CHECK(reserved_of(p, Product::kJumpers, 4) == 10);
  }

  TEST_CASE("reset-service of a validator replays to the same results") {
    for (std::string service : {"fraud", "inventory", "order-details", "validations-aggregator"}) {
      CAPTURE(service);
      Pipeline p(4);
      p.stock(Product::kJumpers, 6, 1000);
      for (int i = 0; i < 12; ++i)
        p.order("o" + std::to_string(i), i % 3, Product::kJumpers, 1, 700.0, 2000 + i * 1000);
      Outcome before = outcome_of(p);
      int64_t reserved = reserved_of(p, Product::kJumpers, 4);
      REQUIRE_OK(stream::Runtime::reset_service(p.driver.log(), p.topology, service, 4));
      REQUIRE_OK(p.driver.reopen());
      REQUIRE_OK(p.driver.advance());
      // The replay re-emits what the service emitted (the same records again); nothing that
      // is decided changes. Only a replayed aggregator writes its decisions again: identical.
      if (service == "validations-aggregator") {
        std::map<std::string, std::vector<OrderState>> decisions;
        auto all = p.driver.read_all(topics::kOrders);
        REQUIRE_OK(all);
        for (const auto& r : *all) {
          auto o = order_from_json(*r.value, true);
          REQUIRE_OK(o);
          if (o->state != OrderState::kCreated) decisions[o->id].push_back(o->state);
        }
        CHECK(decisions.size() == before.finals.size());
        for (const auto& [id, states] : decisions) {
          CAPTURE(id);
          CHECK(states == std::vector<OrderState>(2, before.finals[id]));
        }
      } else {
        Outcome after = outcome_of(p);
        CHECK(after == before);
      }
      CHECK(reserved_of(p, Product::kJumpers, 4) == reserved);
    }
  }
}
