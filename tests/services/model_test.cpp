#include "services/model.h"

#include <doctest/doctest.h>

#include <string>

namespace orderstream::services {
namespace {

TEST_SUITE("services") {
  TEST_CASE("every enum value round-trips through its wire name") {
    for (OrderState v : kAllOrderStates) CHECK(parse_order_state(to_string(v)) == v);
    for (Product v : kAllProducts) CHECK(parse_product(to_string(v)) == v);
    for (CheckType v : kAllCheckTypes) CHECK(parse_check_type(to_string(v)) == v);
    for (ValidationResult v : kAllValidationResults)
      CHECK(parse_validation_result(to_string(v)) == v);
  }

  TEST_CASE("wire names are the ones of the reference") {
    CHECK(to_string(OrderState::kCreated) == "CREATED");
    CHECK(to_string(OrderState::kValidated) == "VALIDATED");
    CHECK(to_string(OrderState::kFailed) == "FAILED");
    CHECK(to_string(OrderState::kShipped) == "SHIPPED");
    CHECK(to_string(Product::kJumpers) == "JUMPERS");
    CHECK(to_string(Product::kUnderpants) == "UNDERPANTS");
    CHECK(to_string(Product::kStockings) == "STOCKINGS");
    CHECK(to_string(CheckType::kInventoryCheck) == "INVENTORY_CHECK");
    CHECK(to_string(CheckType::kFraudCheck) == "FRAUD_CHECK");
    CHECK(to_string(CheckType::kOrderDetailsCheck) == "ORDER_DETAILS_CHECK");
    CHECK(to_string(ValidationResult::kPass) == "PASS");
    CHECK(to_string(ValidationResult::kFail) == "FAIL");
    CHECK(to_string(ValidationResult::kError) == "ERROR");
  }

  TEST_CASE("parsing is exact and case-sensitive") {
    CHECK_FALSE(parse_order_state("created").has_value());
    CHECK_FALSE(parse_order_state("CREATED ").has_value());
    CHECK_FALSE(parse_order_state("").has_value());
    CHECK_FALSE(parse_product("SOCKS").has_value());
    CHECK_FALSE(parse_check_type("INVENTORY").has_value());
    CHECK_FALSE(parse_validation_result(std::string("PASS\0", 5)).has_value());
  }

  TEST_CASE("customer levels are platinum, gold, silver and bronze, bronze by default") {
    for (std::string_view l : {"platinum", "gold", "silver", "bronze"}) CHECK(is_customer_level(l));
    CHECK_FALSE(is_customer_level("Gold"));
    CHECK_FALSE(is_customer_level("diamond"));
    CHECK_FALSE(is_customer_level(""));
    CHECK(Customer{}.level == "bronze");
  }

  TEST_CASE("ids are 1..128 bytes of printable ASCII without a slash and not a dot segment") {
    CHECK(check_id("id", "a").is_ok());
    CHECK(check_id("id", "order 1:~!?#%").is_ok());
    CHECK(check_id("id", std::string(kMaxIdLength, 'x')).is_ok());

    auto rejected = [](std::string_view id, std::string_view needle) {
      const Status s = check_id("orderId", id);
      CHECK(s.code() == StatusCode::kInvalidArgument);
      CHECK_MESSAGE(s.message().find(needle) != std::string::npos, s.message());
      CHECK_MESSAGE(s.message().find("'orderId'") != std::string::npos, s.message());
    };
    rejected("", "must not be empty");
    rejected(std::string(kMaxIdLength + 1, 'x'), "at most 128");
    rejected("a/b", "position 1");
    rejected("a\nb", "position 1");
    rejected(std::string("ab\0", 3), "position 2");
    rejected("\x7f", "position 0");
    rejected("caf\xc3\xa9", "position 3");
    // Regression: "." and ".." were accepted, but clients drop such a URL segment.
    rejected(".", "must not be '.' or '..'");
    rejected("..", "must not be '.' or '..'");
    CHECK(check_id("id", "...").is_ok());
    CHECK(check_id("id", ".a").is_ok());
  }

  TEST_CASE("structs compare by every field") {
    Order a{"o1", 7, OrderState::kCreated, Product::kJumpers, 1, 1.0};
    Order b = a;
    CHECK(a == b);
    b.product.reset();
    CHECK(a != b);
    b = a;
    b.price = 1.5;
    CHECK(a != b);
    Customer c{1, "a", "b", "c", "d"};
    Customer d = c;
    d.level = "gold";
    CHECK(c != d);
    CHECK(InventoryLevel{3} == InventoryLevel{3});
    CHECK(OrderValidation{"o", CheckType::kFraudCheck, ValidationResult::kFail} !=
          OrderValidation{"o", CheckType::kFraudCheck, ValidationResult::kPass});
    CHECK(Payment{"p", "o", "EUR", 2.0} == Payment{"p", "o", "EUR", 2.0});
    CHECK(OrderEnriched{"o", 1, "gold"} != OrderEnriched{"o", 2, "gold"});
  }
}

}  // namespace
}  // namespace orderstream::services
