#include "services/json_codec.h"

#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "services/codec_test_util.h"

namespace orderstream::services {
namespace {

using namespace testing;

TEST_SUITE("services") {
  TEST_CASE("encoders write the canonical field order of the reference") {
    CHECK(to_json(Order{"o-1", 42, OrderState::kCreated, Product::kJumpers, 3, 1.5}) == kOrderJson);
    CHECK(to_json(Order{"o-2", -1, OrderState::kShipped, std::nullopt, 0, 0.0}) ==
          R"({"id":"o-2","customerId":-1,"state":"SHIPPED","quantity":0,"price":0})");
    CHECK(to_json(OrderValidation{"o-1", CheckType::kInventoryCheck, ValidationResult::kFail}) ==
          R"({"orderId":"o-1","checkType":"INVENTORY_CHECK","validationResult":"FAIL"})");
    CHECK(to_json(Payment{"p-1", "o-1", "CZK", 1000.25}) ==
          R"({"id":"p-1","orderId":"o-1","ccy":"CZK","amount":1000.25})");
    CHECK(
        to_json(Customer{5, "Ann", "Lee", "a@x.org", "1 Main St", "gold"}) ==
        R"({"id":5,"firstName":"Ann","lastName":"Lee","email":"a@x.org","address":"1 Main St","level":"gold"})");
    CHECK(to_json(OrderEnriched{"o-1", 9, "bronze"}) ==
          R"({"id":"o-1","customerId":9,"customerLevel":"bronze"})");
    CHECK(to_json(InventoryLevel{20}) == R"({"stock":20})");
    CHECK(stock_to_log_json(10) == "10");
    CHECK(stock_to_log_json(0) == "0");
  }

  TEST_CASE("canonical documents re-encode byte for byte") {
    const std::vector<std::string> orders = {
        kOrderJson,
        R"({"id":"x","customerId":-9223372036854775808,"state":"FAILED","quantity":-2147483648,"price":-1e-300})",
        R"({"id":"y","customerId":9223372036854775807,"state":"VALIDATED","product":"STOCKINGS","quantity":2147483647,"price":1.7976931348623157e+308})",
    };
    for (const std::string& s : orders) {
      INFO(s);
      CHECK(to_json(check_ok(order_from_json(s, true))) == s);
    }
    const std::string v = R"({"orderId":"o","checkType":"FRAUD_CHECK","validationResult":"ERROR"})";
    CHECK(to_json(check_ok(order_validation_from_json(v))) == v);
    const std::string p = R"({"id":"p","orderId":"o","ccy":"","amount":5e-324})";
    CHECK(to_json(check_ok(payment_from_json(p))) == p);
    const std::string c =
        R"({"id":1,"firstName":"Zo\u00eb \"Z\" \\ \u0001","lastName":"日本","email":"😀","address":"a\u001fb","level":"platinum"})";
    CHECK(to_json(check_ok(customer_from_json(c))) != c);  // \u00eb is not canonical...
    const std::string c2 = to_json(check_ok(customer_from_json(c)));
    CHECK(to_json(check_ok(customer_from_json(c2))) == c2);  // ...but its re-encoding is
    CHECK(c2.find("Zoë \\\"Z\\\" \\\\ \\u0001") != std::string::npos);
    const std::string e = R"({"id":"o","customerId":0,"customerLevel":"silver"})";
    CHECK(to_json(check_ok(order_enriched_from_json(e))) == e);
    CHECK(to_json(check_ok(inventory_level_from_json(R"({"stock":9223372036854775807})"))) ==
          R"({"stock":9223372036854775807})");
  }

  TEST_CASE("every type round-trips, extreme values included") {
    for (OrderState st : kAllOrderStates) {
      for (int32_t q :
           {std::numeric_limits<int32_t>::min(), -1, 0, 1, std::numeric_limits<int32_t>::max()}) {
        for (int64_t c : {std::numeric_limits<int64_t>::min(), int64_t{0},
                          std::numeric_limits<int64_t>::max()}) {
          Order o{std::string(kMaxIdLength, '~'), c, st, Product::kUnderpants, q, -0.5};
          CHECK(check_ok(order(to_json(o))) == o);
          o.product.reset();
          CHECK(check_ok(order_from_json(to_json(o), true)) == o);
        }
      }
    }
    for (CheckType t : kAllCheckTypes) {
      for (ValidationResult r : kAllValidationResults) {
        OrderValidation v{" !\"#$%&'()*+,-.:;<=>?@[\\]^_`{|}~", t, r};
        CHECK(check_ok(order_validation_from_json(to_json(v))) == v);
      }
    }
    for (std::string_view level : kCustomerLevels) {
      Customer c{std::numeric_limits<int64_t>::min(),
                 "",
                 std::string("nul\0in", 6),
                 "\x01\x1f\x7f\"\\/",
                 "Příliš žluťoučký kůň 🐎 \xe2\x80\xa8",
                 std::string(level)};
      CHECK(check_ok(customer_from_json(to_json(c))) == c);
      OrderEnriched e{"o", std::numeric_limits<int64_t>::max(), std::string(level)};
      CHECK(check_ok(order_enriched_from_json(to_json(e))) == e);
    }
    for (int64_t s : {int64_t{0}, int64_t{1}, std::numeric_limits<int64_t>::max()}) {
      CHECK(check_ok(inventory_level_from_json(to_json(InventoryLevel{s}))).stock == s);
      CHECK(check_ok(stock_from_body_json(to_json(InventoryLevel{s}))) == s);
      CHECK(check_ok(stock_from_log_json(stock_to_log_json(s))) == s);
    }
  }

  TEST_CASE("doubles round-trip exactly in their shortest form") {
    const double values[] = {0.0,
                             1.0,
                             -1.0,
                             0.1,
                             1.5,
                             3.141592653589793,
                             1e-300,
                             5e-324,
                             DBL_MIN,
                             DBL_MAX,
                             -DBL_MAX,
                             1e15,
                             1e16,
                             1e21,
                             123456789012345680000.0,
                             18446744073709551616.0,
                             9223372036854775808.0,
                             9007199254740993.0,
                             -9223372036854775808.0,
                             4503599627370497.5,
                             2000.0};
    for (double d : values) {
      Payment p{"p", "o", "EUR", d};
      const std::string s = to_json(p);
      INFO(s);
      const Payment back = check_ok(payment_from_json(s));
      CHECK(std::memcmp(&back.amount, &d, sizeof d) == 0);
      CHECK(to_json(back) == s);
    }
    CHECK(to_json(Payment{"p", "o", "EUR", -0.0}) ==
          R"({"id":"p","orderId":"o","ccy":"EUR","amount":0})");
    CHECK(to_json(Payment{"p", "o", "EUR", 0.1}).ends_with("\"amount\":0.1}"));
    CHECK(to_json(Payment{"p", "o", "EUR", 1e21}).ends_with("\"amount\":1e+21}"));
    CHECK(to_json(Payment{"p", "o", "EUR", 18446744073709551616.0})
              .ends_with("\"amount\":1.8446744073709552e+19}"));
    // Integers and exponents are fine where a double is expected.
    CHECK(check_ok(payment_from_json(
                       R"({"id":"p","orderId":"o","ccy":"","amount":18446744073709551615})"))
              .amount == 18446744073709551615.0);
    CHECK(
        check_ok(payment_from_json(R"({"id":"p","orderId":"o","ccy":"","amount":-2E+2})")).amount ==
        -200.0);
  }

  TEST_CASE("non-finite doubles encode as null, which decoding rejects") {
    const std::string s = to_json(Payment{"p", "o", "EUR", std::nan("")});
    CHECK(s.ends_with("\"amount\":null}"));
    check_rejected(payment_from_json(s), "field 'amount' must be a number");
    check_rejected(order(to_json(Order{"o", 1, OrderState::kCreated, Product::kJumpers, 1,
                                       std::numeric_limits<double>::infinity()})),
                   "field 'price' must be a number");
  }

  TEST_CASE("invalid UTF-8 handed to an encoder becomes U+FFFD, never invalid JSON") {
    Customer c{1,
               "a\xff"
               "b",
               "\xc3",
               "\xed\xa0\x80",
               "\xf4\x90\x80\x80 ok \xc3\xa9",
               "gold"};
    const Customer back = check_ok(customer_from_json(to_json(c)));
    CHECK(back.first_name ==
          "a\xEF\xBF\xBD"
          "b");
    CHECK(back.last_name == "\xEF\xBF\xBD");
    CHECK(back.email == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(back.address.ends_with(" ok \xc3\xa9"));
  }

  TEST_CASE("decoders accept any field order, whitespace and escapes") {
    const Order o = check_ok(
        order(" \n{ \"price\" : 2 , \"quantity\":0,\"product\":\"STOCKINGS\",\"state\":\"SHIPPED\","
              "\"customerId\":-0,\"\\u0069d\":\"\\u0041-b\"}\t\r\n"));
    CHECK(o == Order{"A-b", 0, OrderState::kShipped, Product::kStockings, 0, 2.0});
  }

  TEST_CASE("order product may be missing or null only on the log path") {
    const std::string missing = order_with("product", "");
    check_rejected(order(missing), "missing required field 'product'");
    check_rejected(order(order_with("product", "null")), "missing required field 'product'");
    CHECK_FALSE(check_ok(order_from_json(missing, true)).product.has_value());
    CHECK_FALSE(check_ok(order_from_json(order_with("product", "null"), true)).product.has_value());
  }
}

}  // namespace
}  // namespace orderstream::services
