#include "services/ecosystem.h"

#include <doctest/doctest.h>

#include "services/json_codec.h"
#include "services/topics.h"
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
