#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "services/codec_test_util.h"
#include "services/json_codec.h"

namespace orderstream::services {
namespace {

using namespace testing;

struct Case {
  std::string json;
  std::string needle;
};

void check_order_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO("input: " << c.json);
    check_rejected(order(c.json), c.needle);
  }
}

TEST_SUITE("services") {
  TEST_CASE("malformed or truncated JSON is rejected") {
    check_order_cases({
        {"", "malformed JSON"},
        {" \n", "malformed JSON"},
        {R"({"id":"a")", "malformed JSON"},
        {std::string(kOrderJson).substr(0, 40), "malformed JSON"},
        {std::string(kOrderJson) + " x", "malformed JSON"},
        {std::string(kOrderJson) + "{}", "malformed JSON"},
        {R"({"id":'a'})", "malformed JSON"},
        {R"({"id":"a",})", "malformed JSON"},
        {R"({id:"a"})", "malformed JSON"},
        {order_with("price", "NaN"), "malformed JSON"},
        {order_with("price", "Infinity"), "malformed JSON"},
        {order_with("price", "01"), "malformed JSON"},
        {order_with("price", "1."), "malformed JSON"},
        {order_with("price", "+1"), "malformed JSON"},
        {order_with("id", "\"a\x01b\""), "malformed JSON"},  // unescaped control character
        {order_with("id", "\"a\\xb\""), "malformed JSON"},   // bad escape
        {order_with("id", "\"\xff\""), "UTF-8"},
        {order_with("id", "\"\xc0\xaf\""), "UTF-8"},                   // overlong '/'
        {order_with("id", "\"\xed\xa0\x80\""), "UTF-8"},               // surrogate
        {order_with("id", R"("\ud800")"), "malformed JSON"},           // lone high surrogate
        {order_with("id", R"("\udc00x")"), "malformed JSON"},          // lone low surrogate
        {std::string("\xef\xbb\xbf") + kOrderJson, "malformed JSON"},  // a BOM is not JSON
        {std::string(kOrderJson).insert(10, 1, '\0'), "malformed JSON"},
    });
  }

  TEST_CASE("the top level must be an object") {
    for (const char* s : {"[]", "[1]", "\"x\"", "1", "null", "true"}) {
      INFO(s);
      check_rejected(order(s), "top-level JSON value must be an object");
      check_rejected(customer_from_json(s), "top-level JSON value must be an object");
      check_rejected(inventory_level_from_json(s), "top-level JSON value must be an object");
    }
  }

  TEST_CASE("nesting is rejected cleanly, however deep") {
    check_rejected(order(order_with("quantity", "[1]")), "field 'quantity' must be an integer");
    check_rejected(order(order_with("price", R"({"a":1})")), "field 'price' must be a number");
    check_rejected(order(order_with("id", "[[[[[[[[1]]]]]]]]")), "too deep");
    const std::string deep = "{\"id\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
    check_rejected(order(deep), "too deep");
    check_rejected(order(std::string(200000, '{')), "malformed JSON");
  }

  TEST_CASE("unknown, duplicate and missing fields name the field") {
    check_order_cases({
        {R"({"x":1})", "unknown field 'x'"},
        {std::string(kOrderJson).insert(1, R"("customer_id":1,)"), "unknown field 'customer_id'"},
        {std::string(kOrderJson).insert(1, R"("ID":"a",)"), "unknown field 'ID'"},
        {std::string(kOrderJson).insert(1, R"("\u0000":1,)"), "unknown field '?'"},
        {std::string(kOrderJson).insert(1, R"("id":"a",)"), "duplicate field 'id'"},
        {std::string(kOrderJson).insert(1, R"("price":null,)"), "must be a number"},
        {R"({"price":1,"price":1})", "duplicate field 'price'"},
        {"{}", "missing required field 'id'"},
    });
    for (const char* f : {"id", "customerId", "state", "product", "quantity", "price"}) {
      INFO(f);
      check_rejected(order(order_with(f, "")), "missing required field '" + std::string(f) + "'");
    }
    check_rejected(
        order(std::string(kOrderJson).insert(1, "\"" + std::string(1000, 'k') + "\":1,")),
        "unknown field 'kkkk");
  }

  TEST_CASE("wrongly typed and out-of-range order fields name the field") {
    check_order_cases({
        {order_with("id", "7"), "field 'id' must be a string"},
        {order_with("id", "null"), "field 'id' must be a string"},
        {order_with("id", R"("")"), "field 'id' must not be empty"},
        {order_with("id", "\"" + std::string(129, 'a') + "\""), "field 'id' must be at most 128"},
        {order_with("id", R"("a/b")"), "field 'id' has a disallowed byte at position 1"},
        {order_with("id", R"("a\u0000")"), "field 'id' has a disallowed byte"},
        {order_with("id", R"("a\nb")"), "field 'id' has a disallowed byte"},
        {order_with("id", R"("caf\u00e9")"), "field 'id' has a disallowed byte"},
        {order_with("customerId", R"("42")"), "field 'customerId' must be an integer"},
        {order_with("customerId", "42.0"), "field 'customerId' must be an integer"},
        {order_with("customerId", "4.2e1"), "field 'customerId' must be an integer"},
        {order_with("customerId", "1e400"), "field 'customerId' must be an integer"},
        {order_with("customerId", "9223372036854775808"),
         "field 'customerId' is out of range for int64"},
        {order_with("customerId", "18446744073709551615"),
         "field 'customerId' is out of range for int64"},
        {order_with("customerId", "18446744073709551616"),
         "field 'customerId' is out of range for int64"},
        {order_with("customerId", "-9223372036854775809"),
         "field 'customerId' is out of range for int64"},
        {order_with("customerId", "true"), "field 'customerId' must be an integer"},
        {order_with("state", R"("NEW")"),
         "field 'state' has unknown value 'NEW' (accepted: CREATED, VALIDATED, FAILED, SHIPPED)"},
        {order_with("state", R"("created")"), "field 'state' has unknown value 'created'"},
        {order_with("state", "0"), "field 'state' must be a string"},
        {order_with("product", R"("SOCKS")"),
         "field 'product' has unknown value 'SOCKS' (accepted: JUMPERS, UNDERPANTS, STOCKINGS)"},
        {order_with("product", R"(["JUMPERS"])"), "field 'product' must be a string"},
        {order_with("quantity", R"("1")"), "field 'quantity' must be an integer"},
        {order_with("quantity", "1.5"), "field 'quantity' must be an integer"},
        {order_with("quantity", "1.0"), "field 'quantity' must be an integer"},
        {order_with("quantity", "1e2"), "field 'quantity' must be an integer"},
        {order_with("quantity", "2147483648"), "field 'quantity' is out of range for int32"},
        {order_with("quantity", "-2147483649"), "field 'quantity' is out of range for int32"},
        {order_with("quantity", "9223372036854775808"),
         "field 'quantity' is out of range for int32"},
        {order_with("quantity", "99999999999999999999"),
         "field 'quantity' is out of range for int32"},
        {order_with("price", R"("1.5")"), "field 'price' must be a number"},
        {order_with("price", "false"), "field 'price' must be a number"},
        {order_with("price", "1e400"), "field 'price' is not a finite number"},
        {order_with("price", "-1e400"), "field 'price' is not a finite number"},
    });
    // In range, at the edges:
    CHECK(check_ok(order(order_with("quantity", "-2147483648"))).quantity == INT32_MIN);
    CHECK(check_ok(order(order_with("customerId", "-9223372036854775808"))).customer_id ==
          INT64_MIN);
    CHECK(check_ok(order(order_with("price", "-1e-400"))).price == 0.0);  // underflow rounds to 0
  }

  TEST_CASE("the other types reject bad fields by name") {
    const std::string p = R"({"id":"p","orderId":"o","ccy":"EUR","amount":1})";
    CHECK(check_ok(payment_from_json(p)) == Payment{"p", "o", "EUR", 1.0});
    check_rejected(payment_from_json(R"({"id":"p","orderId":"o","ccy":"EUR"})"),
                   "missing required field 'amount'");
    check_rejected(payment_from_json(R"({"id":"p","orderId":"o/1","ccy":"EUR","amount":1})"),
                   "field 'orderId' has a disallowed byte");
    check_rejected(payment_from_json(R"({"id":"","orderId":"o","ccy":"EUR","amount":1})"),
                   "field 'id' must not be empty");
    check_rejected(payment_from_json(R"({"id":"p","orderId":"o","ccy":1,"amount":1})"),
                   "field 'ccy' must be a string");
    check_rejected(payment_from_json(R"({"id":"p","orderId":"o","ccy":"EUR","amount":"1"})"),
                   "field 'amount' must be a number");
    check_rejected(payment_from_json(R"({"id":"p","orderId":"o","ccy":"EUR","amount":1e999})"),
                   "field 'amount' is not a finite number");

    const std::string c = R"({"id":3,"firstName":"a","lastName":"b","email":"c","address":"d")";
    CHECK(check_ok(customer_from_json(c + "}")).level == "bronze");
    CHECK(check_ok(customer_from_json(c + R"(,"level":null})")).level == "bronze");
    CHECK(check_ok(customer_from_json(c + R"(,"level":"gold"})")).level == "gold");
    check_rejected(
        customer_from_json(c + R"(,"level":"diamond"})"),
        "field 'level' has unknown value 'diamond' (accepted: platinum, gold, silver, bronze)");
    check_rejected(customer_from_json(c + R"(,"level":"Gold"})"),
                   "field 'level' has unknown value");
    check_rejected(customer_from_json(c + R"(,"level":1})"), "field 'level' must be a string");
    check_rejected(customer_from_json(c + R"(,"x":1})"), "unknown field 'x'");
    check_rejected(customer_from_json(
                       R"({"id":"3","firstName":"a","lastName":"b","email":"c","address":"d"})"),
                   "field 'id' must be an integer");
    check_rejected(customer_from_json(R"({"id":3,"lastName":"b","email":"c","address":"d"})"),
                   "missing required field 'firstName'");
    check_rejected(
        customer_from_json(R"({"id":3,"firstName":null,"lastName":"b","email":"c","address":"d"})"),
        "field 'firstName' must be a string");

    check_rejected(order_validation_from_json(
                       R"({"orderId":"o","checkType":"CREDIT_CHECK","validationResult":"PASS"})"),
                   "field 'checkType' has unknown value 'CREDIT_CHECK' (accepted: INVENTORY_CHECK, "
                   "FRAUD_CHECK, ORDER_DETAILS_CHECK)");
    check_rejected(order_validation_from_json(
                       R"({"orderId":"o","checkType":"FRAUD_CHECK","validationResult":"OK"})"),
                   "(accepted: PASS, FAIL, ERROR)");
    check_rejected(order_validation_from_json(R"({"orderId":"o","checkType":"FRAUD_CHECK"})"),
                   "missing required field 'validationResult'");
    check_rejected(order_validation_from_json(
                       R"({"orderId":"","checkType":"FRAUD_CHECK","validationResult":"PASS"})"),
                   "field 'orderId' must not be empty");

    check_rejected(order_enriched_from_json(R"({"id":"o","customerId":1,"customerLevel":"tin"})"),
                   "field 'customerLevel' has unknown value 'tin'");
    check_rejected(order_enriched_from_json(R"({"id":"o","customerId":1})"),
                   "missing required field 'customerLevel'");
    check_rejected(
        order_enriched_from_json(R"({"id":"o","customerId":1.5,"customerLevel":"gold"})"),
        "field 'customerId' must be an integer");
  }

  TEST_CASE("stock is a non-negative integer, in the REST body and in the log") {
    CHECK(check_ok(stock_from_body_json(R"({"stock":0})")) == 0);
    CHECK(check_ok(stock_from_body_json(R"( { "stock" : 20 } )")) == 20);
    check_rejected(stock_from_body_json(R"({"stock":-1})"), "field 'stock' must be >= 0");
    check_rejected(stock_from_body_json(R"({"stock":1.5})"), "field 'stock' must be an integer");
    check_rejected(stock_from_body_json(R"({"stock":"5"})"), "field 'stock' must be an integer");
    check_rejected(stock_from_body_json(R"({"stock":9223372036854775808})"),
                   "field 'stock' is out of range for int64");
    check_rejected(stock_from_body_json(R"({"stock":1e30})"), "field 'stock' must be an integer");
    check_rejected(stock_from_body_json("{}"), "missing required field 'stock'");
    check_rejected(stock_from_body_json(R"({"stock":1,"product":"JUMPERS"})"),
                   "unknown field 'product'");
    check_rejected(stock_from_body_json("10"), "top-level JSON value must be an object");

    CHECK(check_ok(stock_from_log_json("10")) == 10);
    CHECK(check_ok(stock_from_log_json(" 0\n")) == 0);
    CHECK(check_ok(stock_from_log_json("9223372036854775807")) == INT64_MAX);
    check_rejected(stock_from_log_json("-1"), "stock' must be >= 0");
    check_rejected(stock_from_log_json("1.5"), "stock' must be an integer");
    check_rejected(stock_from_log_json("9223372036854775808"), "stock' is out of range for int64");
    check_rejected(stock_from_log_json("99999999999999999999"), "stock must be an integer in 0..");
    check_rejected(stock_from_log_json("\"10\""), "stock must be a JSON integer");
    check_rejected(stock_from_log_json(R"({"stock":10})"), "stock must be a JSON integer");
    check_rejected(stock_from_log_json(""), "malformed JSON");
    check_rejected(stock_from_log_json("10 11"), "malformed JSON");
  }

  TEST_CASE("oversized documents are rejected before parsing") {
    std::string big = order_with("id", "\"" + std::string(kMaxJsonBytes, 'a') + "\"");
    check_rejected(order(big), "exceeds the limit");
  }

  TEST_CASE("decoding is thread-safe: each thread has its own parser") {
    std::vector<std::thread> threads;
    std::vector<int> failures(4, 0);
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([t, &failures] {
        for (int i = 0; i < 2000; ++i) {
          const Order o{"o-" + std::to_string(t) + "-" + std::to_string(i),
                        t,
                        OrderState::kCreated,
                        Product::kStockings,
                        i,
                        i * 0.25};
          const auto r = order_from_json(to_json(o), false);
          if (!r.ok() || !(r.value() == o)) ++failures[t];
          if (order_from_json("{\"id\":", false).ok()) ++failures[t];
        }
      });
    }
    for (std::thread& th : threads) th.join();
    for (int f : failures) CHECK(f == 0);
  }
}

}  // namespace
}  // namespace orderstream::services
