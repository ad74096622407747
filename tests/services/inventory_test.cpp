#include "services/inventory.h"

#include <doctest/doctest.h>

#include <random>

#include "services/pipeline_fixture.h"

using namespace orderstream;
using namespace orderstream::services;
using test::Pipeline;

namespace {

constexpr auto kPass = ValidationResult::kPass;
constexpr auto kFail = ValidationResult::kFail;

std::optional<ValidationResult> inv(Pipeline& p, const std::string& id) {
  return p.result(CheckType::kInventoryCheck, id);
}

}  // namespace

TEST_SUITE("inventory") {
  TEST_CASE("stock exactly exhausted passes, the next order fails") {
    for (int32_t partitions : {1, 4}) {
      CAPTURE(partitions);
      Pipeline p(partitions);
      p.stock(Product::kJumpers, 3, 1);
      p.order("a", 1, Product::kJumpers, 2, 1.0, 10);
      p.order("b", 2, Product::kJumpers, 1, 1.0, 11);
      p.order("c", 3, Product::kJumpers, 1, 1.0, 12);
      CHECK(inv(p, "a") == kPass);
      CHECK(inv(p, "b") == kPass);
      CHECK(inv(p, "c") == kFail);
      CHECK(p.reserved(Product::kJumpers) == 3);
      // A zero-quantity order still fits.
      p.order("zero", 4, Product::kJumpers, 0, 1.0, 13);
      CHECK(inv(p, "zero") == kPass);
      // Another product is independent.
      p.stock(Product::kUnderpants, 1, 14);
      p.order("u", 5, Product::kUnderpants, 1, 1.0, 15);
      CHECK(inv(p, "u") == kPass);
    }
  }

  TEST_CASE("a product without an inventory row fails (stock 0) rather than hanging") {
    Pipeline p(2);
    p.order("s", 1, Product::kStockings, 1, 1.0, 10);
    CHECK(inv(p, "s") == kFail);
    CHECK(p.final_state("s") == OrderState::kFailed);
    p.order("s0", 2, Product::kStockings, 0, 1.0, 11);  // nothing asked, nothing missing
    CHECK(inv(p, "s0") == kPass);
  }

  TEST_CASE("an order without a product fails the inventory check") {
    Pipeline p(2);
    p.stock(Product::kJumpers, 10, 1);
    p.order("np", 1, std::nullopt, 1, 1.0, 10);
    CHECK(inv(p, "np") == kFail);
    CHECK(p.final_state("np") == OrderState::kFailed);
  }

  TEST_CASE("stock updates are absolute and the latest wins") {
    Pipeline p(4);
    p.stock(Product::kJumpers, 1, 1);
    p.order("a", 1, Product::kJumpers, 1, 1.0, 10);
    CHECK(inv(p, "a") == kPass);
    p.stock(Product::kJumpers, 10, 20);
    p.stock(Product::kJumpers, 5, 21);  // 5 in stock, 1 reserved
    p.order("b", 2, Product::kJumpers, 4, 1.0, 30);
    CHECK(inv(p, "b") == kPass);
    p.order("c", 3, Product::kJumpers, 1, 1.0, 31);
    CHECK(inv(p, "c") == kFail);
    // Stock below what is reserved: nothing more passes, nothing breaks.
    p.stock(Product::kJumpers, 2, 40);
    p.order("d", 4, Product::kJumpers, 1, 1.0, 41);
    CHECK(inv(p, "d") == kFail);
    CHECK(p.reserved(Product::kJumpers) == 5);
    // A tombstone removes the row: stock 0, with 5 still reserved (stock - reserved - 0 < 0).
    REQUIRE_OK(p.driver.pipe(topics::kWarehouseInventory, "JUMPERS", std::nullopt, 50));
    p.order("e", 5, Product::kJumpers, 0, 1.0, 51);
    CHECK(inv(p, "e") == kFail);
    p.stock(Product::kJumpers, 6, 60);
    p.order("f", 6, Product::kJumpers, 1, 1.0, 61);
    CHECK(inv(p, "f") == kPass);
  }

  TEST_CASE("a malformed stock record is skipped and the previous stock stays") {
    Pipeline p(1);
    p.stock(Product::kJumpers, 2, 1);
    REQUIRE_OK(p.driver.pipe(topics::kWarehouseInventory, "JUMPERS", "-5", 2));
    REQUIRE_OK(p.driver.pipe(topics::kWarehouseInventory, "JUMPERS", "lots", 3));
    CHECK(p.driver.skipped_records() == 2);
    p.order("a", 1, Product::kJumpers, 2, 1.0, 10);
    CHECK(inv(p, "a") == kPass);
  }

  TEST_CASE("a reservation is released exactly once when the order ends FAILED, never on VALIDATED") {
    Pipeline p(4);
    p.stock(Product::kJumpers, 2, 1);
    p.order("ok", 1, Product::kJumpers, 1, 1.0, 10);
    CHECK(p.final_state("ok") == OrderState::kValidated);
    CHECK(p.reserved(Product::kJumpers) == 1);
    // Passes inventory, fails fraud (value 3000): the order ends FAILED and its unit comes back.
    p.order("fraud", 2, Product::kJumpers, 1, 3000.0, 20);
    CHECK(inv(p, "fraud") == kPass);
    CHECK(p.final_state("fraud") == OrderState::kFailed);
    CHECK(p.reserved(Product::kJumpers) == 1);
    // So the last unit is still for sale.
    p.order("last", 3, Product::kJumpers, 1, 1.0, 30);
    CHECK(inv(p, "last") == kPass);
    CHECK(p.reserved(Product::kJumpers) == 2);
    // A repeated FAILED record of the same order releases nothing more; nor do records of
    // orders that never reserved, or a FAILED for an order inventory passed and that VALIDATED.
    Order failed{"fraud", 2, OrderState::kFailed, Product::kJumpers, 1, 3000.0};
    p.pipe_order(failed, 40);
    Order bogus{"ok", 1, OrderState::kFailed, Product::kJumpers, 1, 1.0};
    p.pipe_order(bogus, 41);
    Order never{"never-seen", 9, OrderState::kFailed, Product::kJumpers, 5, 1.0};
    p.pipe_order(never, 42);
    CHECK(p.reserved(Product::kJumpers) == 2);
  }

  TEST_CASE("an order failed by another check before inventory saw it releases its reservation") {
    // Orders details FAILs a negative price at once; inventory still passes and reserves (quantity
    // is fine), then sees the FAILED record and releases.
    Pipeline p(2);
    p.stock(Product::kJumpers, 5, 1);
    p.order("neg", 1, Product::kJumpers, 3, -1.0, 10);
    CHECK(p.final_state("neg") == OrderState::kFailed);
    CHECK(p.reserved(Product::kJumpers) == 0);
  }

  TEST_CASE("a duplicate CREATED record does not reserve twice") {
    Pipeline p(2);
    p.stock(Product::kJumpers, 3, 1);
    Order o = p.order("a", 1, Product::kJumpers, 2, 1.0, 10);
    p.pipe_order(o, 11);
    CHECK(p.reserved(Product::kJumpers) == 2);
    CHECK(p.results(CheckType::kInventoryCheck).size() == 1);
    p.order("b", 2, Product::kJumpers, 1, 1.0, 12);
    CHECK(inv(p, "b") == kPass);
  }

  TEST_CASE("reserved equals the quantities of orders that passed inventory and did not end FAILED") {
    uint32_t seed = std::random_device{}();
    CAPTURE(seed);
    std::mt19937 rng(seed);
    for (int32_t partitions : {1, 3}) {
      CAPTURE(partitions);
      Pipeline p(partitions);
      p.stock(Product::kJumpers, 40, 1);
      p.stock(Product::kUnderpants, 25, 2);
      std::map<std::string, Order> placed;
      for (int i = 0; i < 80; ++i) {
        std::string id = "o" + std::to_string(i);
        Product prod = rng() % 2 ? Product::kJumpers : Product::kUnderpants;
        int32_t qty = static_cast<int32_t>(rng() % 4);
        // Some fail fraud (large price), some order details (negative price).
        double price = rng() % 6 == 0 ? 2500.0 : (rng() % 8 == 0 ? -1.0 : 1.0);
        placed[id] = p.order(id, static_cast<int64_t>(i), prod, qty, price, 100 + i);
        if (i == 40) p.stock(Product::kJumpers, 30, 100 + i);
      }
      auto inv_results = p.results(CheckType::kInventoryCheck);
      auto finals = p.finals();
      CHECK(finals.size() == placed.size());
      std::map<Product, int64_t> expected;
      int passed = 0, failed_after_pass = 0;
      for (const auto& [id, o] : placed) {
        if (inv_results[id] != kPass) continue;
        ++passed;
        if (finals[id] == OrderState::kFailed) {
          ++failed_after_pass;
          continue;
        }
        expected[*o.product] += o.quantity;
      }
      CHECK(passed > 0);
      CHECK(failed_after_pass > 0);
      CHECK(p.reserved(Product::kJumpers) == expected[Product::kJumpers]);
      CHECK(p.reserved(Product::kUnderpants) == expected[Product::kUnderpants]);
    }
  }
}
