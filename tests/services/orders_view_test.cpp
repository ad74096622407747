#include "services/orders_view.h"

#include <doctest/doctest.h>

#include "services/customers_table.h"
#include "services/json_codec.h"
#include "services/pipeline_fixture.h"

using namespace orderstream;
using namespace orderstream::services;
using test::Pipeline;

namespace {

struct View {
  test::TempDir dir{"os-view"};
  OrderWaiters waiters;
  stream::Topology topology;
  stream::TestDriver driver;
  int64_t ts = 0;

  static stream::Topology make(OrderWaiters* w) {
    stream::Topology t;
    t.topics = {{topics::kOrders, {}}};
    t.sub_topologies.push_back({kOrdersViewSubTopology, "orders", {topics::kOrders}, {kOrdersViewStore},
                                [w](PartitionId) { return make_orders_view_processor(w); }});
    return t;
  }
  View() : topology(make(&waiters)), driver(dir.file("data"), topology, 3) {}

  void put(const std::string& id, OrderState s) {
    Order o{id, 1, s, Product::kJumpers, 1, 1.0};
    REQUIRE_OK(driver.pipe(topics::kOrders, id, to_json(o), ++ts));
  }
  std::optional<OrderState> state(const std::string& id) {
    auto v = driver.store_get(kOrdersViewSubTopology, log::partition_for_key(id, 3), kOrdersViewStore, id);
    REQUIRE_OK(v);
    if (!*v) return std::nullopt;
    auto o = order_from_json(**v, true);
    REQUIRE_OK(o);
    return o->state;
  }
};

}  // namespace

TEST_SUITE("orders view") {
  TEST_CASE("the view holds each order's latest state and states only move forward") {
    View v;
    v.put("o", OrderState::kCreated);
    CHECK(v.state("o") == OrderState::kCreated);
    v.put("o", OrderState::kValidated);
    CHECK(v.state("o") == OrderState::kValidated);
    v.put("o", OrderState::kCreated);  // late or duplicate CREATED
    CHECK(v.state("o") == OrderState::kValidated);
    v.put("o", OrderState::kFailed);  // a second, different decision: the first stands
    CHECK(v.state("o") == OrderState::kValidated);
    v.put("o", OrderState::kShipped);
    CHECK(v.state("o") == OrderState::kShipped);
    v.put("o", OrderState::kCreated);
    v.put("o", OrderState::kValidated);
    CHECK(v.state("o") == OrderState::kShipped);
    CHECK_FALSE(v.state("other").has_value());
  }

  TEST_CASE("the view completes waiters after its commit, final-only ones on the decision") {
    View v;
    std::vector<OrderState> any, final_only;
    v.waiters.add("o", false, [&](const Order& o) {
      // Fired after the commit: the store already shows this state.
      CHECK(v.state("o") == o.state);
      any.push_back(o.state);
    });
    v.waiters.add("o", true, [&](const Order& o) { final_only.push_back(o.state); });
    v.put("o", OrderState::kCreated);
    CHECK(any == std::vector<OrderState>{OrderState::kCreated});
    CHECK(final_only.empty());
    CHECK(v.waiters.size() == 1);
    v.put("o", OrderState::kFailed);
    CHECK(final_only == std::vector<OrderState>{OrderState::kFailed});
    CHECK(any.size() == 1);
    CHECK(v.waiters.size() == 0);
    // A late CREATED is not shown, so it does not complete a new waiter either.
    std::vector<OrderState> late;
    v.waiters.add("o", false, [&](const Order& o) { late.push_back(o.state); });
    v.put("o", OrderState::kCreated);
    CHECK(late.empty());
  }

  TEST_CASE("in the pipeline, a late CREATED never hides the decision") {
    Pipeline p(2);
    p.stock(Product::kJumpers, 5, 1);
    Order o = p.order("o", 1, Product::kJumpers, 1, 1.0, 10);
    CHECK(p.view("o")->state == OrderState::kValidated);
    p.pipe_order(o, 11);
    CHECK(p.view("o")->state == OrderState::kValidated);
    CHECK(p.finals().size() == 1);
  }
}

TEST_SUITE("customers table") {
  TEST_CASE("the customers table holds the latest customer per id, and tombstones delete") {
    Pipeline p(3);
    Customer c{5, "Ada", "L", "ada@example.com", "here", "gold"};
    REQUIRE_OK(p.driver.pipe(topics::kCustomers, "5", to_json(c), 1));
    c.level = "platinum";
    REQUIRE_OK(p.driver.pipe(topics::kCustomers, "5", to_json(c), 2));
    auto stored = p.global(kCustomersStore, "5");
    REQUIRE(stored.has_value());
    auto back = customer_from_json(*stored);
    REQUIRE_OK(back);
    CHECK(*back == c);
    // A key that is not the customer's id, and bad JSON, are skipped.
    REQUIRE_OK(p.driver.pipe(topics::kCustomers, "6", to_json(c), 3));
    REQUIRE_OK(p.driver.pipe(topics::kCustomers, "7", "{}", 4));
    CHECK(p.driver.skipped_records() == 2);
    CHECK_FALSE(p.global(kCustomersStore, "6").has_value());
    REQUIRE_OK(p.driver.pipe(topics::kCustomers, "5", std::nullopt, 5));
    CHECK_FALSE(p.global(kCustomersStore, "5").has_value());
  }
}
