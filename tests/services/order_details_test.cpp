#include "services/order_details.h"

#include <doctest/doctest.h>

#include "services/pipeline_fixture.h"

using namespace orderstream;
using namespace orderstream::services;
using test::Pipeline;

TEST_SUITE("order details") {
  TEST_CASE("the rule: quantity and price may be zero, not negative, and the product is required") {
    auto check = [](int32_t qty, double price, std::optional<Product> p) {
      return check_order_details(Order{"o", 1, OrderState::kCreated, p, qty, price});
    };
    CHECK(check(0, 0.0, Product::kJumpers) == ValidationResult::kPass);
    CHECK(check(1, 1.0, Product::kJumpers) == ValidationResult::kPass);
    CHECK(check(-1, 1.0, Product::kJumpers) == ValidationResult::kFail);
    CHECK(check(1, -0.01, Product::kJumpers) == ValidationResult::kFail);
    CHECK(check(1, 1.0, std::nullopt) == ValidationResult::kFail);
    CHECK(check(INT32_MIN, -1e300, std::nullopt) == ValidationResult::kFail);
  }

  TEST_CASE("the order-details service emits one validation per CREATED order") {
    Pipeline p(2);
    p.stock(Product::kJumpers, 100, 1);
    p.order("zero", 1, Product::kJumpers, 0, 0.0, 10);
    p.order("neg-qty", 2, Product::kJumpers, -1, 1.0, 11);
    p.order("neg-price", 3, Product::kJumpers, 1, -0.01, 12);
    p.order("no-product", 4, std::nullopt, 1, 1.0, 13);
    p.order("fine", 5, Product::kJumpers, 2, 3.5, 14);
    auto r = p.results(CheckType::kOrderDetailsCheck);
    CHECK(r.size() == 5);
    CHECK(r["zero"] == ValidationResult::kPass);
    CHECK(r["neg-qty"] == ValidationResult::kFail);
    CHECK(r["neg-price"] == ValidationResult::kFail);
    CHECK(r["no-product"] == ValidationResult::kFail);
    CHECK(r["fine"] == ValidationResult::kPass);
    auto finals = p.finals();
    CHECK(finals["zero"] == OrderState::kValidated);
    CHECK(finals["neg-qty"] == OrderState::kFailed);
    CHECK(finals["neg-price"] == OrderState::kFailed);
    CHECK(finals["no-product"] == OrderState::kFailed);
    CHECK(finals["fine"] == OrderState::kValidated);
    // Every validator answered each CREATED order exactly once (the aggregator's VALIDATED and
    // FAILED records on `orders` were not validated again).
    std::map<std::string, int> per_order;
    for (const auto& v : p.validations()) ++per_order[v.order_id];
    CHECK(per_order.size() == 5);
    for (const auto& [id, n] : per_order) {
      CAPTURE(id);
      CHECK(n == 3);
    }
  }

  TEST_CASE("orders in any other state than CREATED are not validated") {
    Pipeline p(1);
    p.stock(Product::kJumpers, 100, 1);
    p.order("v", 1, Product::kJumpers, 1, 1.0, 10, OrderState::kValidated);
    p.order("f", 2, Product::kJumpers, -1, 1.0, 11, OrderState::kFailed);
    p.order("s", 3, Product::kJumpers, 1, 1.0, 12, OrderState::kShipped);
    CHECK(p.validations().empty());
    CHECK(p.reserved(Product::kJumpers) == 0);
  }

  TEST_CASE("a malformed order record is skipped and counted, and later orders still flow") {
    Pipeline p(1);
    p.stock(Product::kJumpers, 100, 1);
    REQUIRE_OK(p.driver.pipe(topics::kOrders, "junk", "{not json", 5));
    REQUIRE_OK(p.driver.pipe(topics::kOrders, "tomb", std::nullopt, 6));
    CHECK(p.driver.skipped_records() > 0);
    p.order("ok", 1, Product::kJumpers, 1, 1.0, 10);
    CHECK(p.final_state("ok") == OrderState::kValidated);
    CHECK(p.results(CheckType::kOrderDetailsCheck).size() == 1);
  }
}
