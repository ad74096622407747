// Hostile JSON bodies against the real binary: every one is answered 4xx with a {code, message}
// JSON body, and nothing reaches the log (the appended-records metric does not move, and after a
// clean stop the CLI finds no record in any topic).
#include "e2e/hostile_fixture.h"

#include <string>
#include <vector>

using namespace orderstream::test;

namespace {

const std::string kOrder =
    R"({"id":"o-1","customerId":42,"state":"CREATED","product":"JUMPERS","quantity":3,"price":1.5})";

// kOrder with `field`'s value replaced by the raw JSON `value`.
std::string order_with(const std::string& field, const std::string& value) {
  std::string s = kOrder;
  const std::string key = "\"" + field + "\":";
  size_t at = s.find(key);
  REQUIRE(at != std::string::npos);
  size_t end = s.find_first_of(",}", at + key.size());
  return s.replace(at + key.size(), end - at - key.size(), value);
}

// kOrder without `field`.
std::string order_without(const std::string& field) {
  std::string s = kOrder;
  size_t at = s.find("\"" + field + "\":");
  size_t end = s.find_first_of(",}", at);
  if (s[end] == ',') ++end;
  s.erase(at, end - at);
  if (s[s.size() - 2] == ',') s.erase(s.size() - 2, 1);
  return s;
}

// Posts every body on one keep-alive connection; each must be rejected with `status` (0: any 4xx).
void post_all(ServerFixture& s, const std::string& target, const std::vector<std::string>& bodies,
              int status = 400, bhttp::verb verb = bhttp::verb::post) {
  HttpConnection c(s.port);
  for (const std::string& body : bodies) {
    CAPTURE(body);
    check_rejected(c.request(verb, target, body), status);
  }
}

}  // namespace

TEST_SUITE("e2e hostile json") {
  TEST_CASE("malformed, truncated and mistyped order bodies are 400 and append nothing") {
    ServerFixture s;
    s.start();
    const double before = appended_records(s);
    std::vector<std::string> bodies = {
        "", " ", "{", "}", "not json", "null", "[]", "[1,2]", "\"order\"", "42", "{}",
        "{\"id\":}", "{'id':'o'}", kOrder + ",", kOrder + kOrder, kOrder + "x",
        R"({"id":"o-1",})", "{\"id\":\"o-1\" /* comment */}", std::string("{\"id\":\"o\0\"}", 11),
        // wrong types
        order_with("id", "7"), order_with("id", "null"), order_with("id", "[\"o\"]"),
        order_with("customerId", "\"42\""), order_with("customerId", "4.2"),
        order_with("customerId", "1e3"), order_with("customerId", "true"),
        order_with("quantity", "\"3\""), order_with("quantity", "1.5"),
        order_with("quantity", "{}"), order_with("price", "\"1.5\""),
        order_with("price", "null"), order_with("product", "1"), order_with("state", "true"),
        // out of range
        order_with("quantity", "2147483648"), order_with("quantity", "-2147483649"),
        order_with("quantity", "99999999999999999999"),
        order_with("customerId", "9223372036854775808"),
        order_with("customerId", "-9223372036854775809"),
        order_with("price", "NaN"), order_with("price", "Infinity"),
        order_with("price", "-Infinity"), order_with("price", "1e400"),
        order_with("price", "-1e400"), order_with("price", "0x10"), order_with("price", "+1"),
        order_with("price", ".5"), order_with("price", "01"),
        // unknown enum values, and a state a new order may not have
        order_with("product", "\"SOCKS\""), order_with("product", "\"jumpers\""),
        order_with("product", "\"\""), order_with("state", "\"DELETED\""),
        order_with("state", "\"VALIDATED\""), order_with("state", "\"FAILED\""),
        // missing and extra fields
        order_without("id"), order_without("customerId"), order_without("state"),
        order_without("product"), order_without("quantity"), order_without("price"),
        order_with("price", "1.5,\"extra\":1"), order_with("price", "1.5,\"id\":\"o-2\""),
        order_with("price", "1.5,\"Price\":1"),
        // ids that cannot be a path segment or a log key
        order_with("id", "\"\""), order_with("id", "\"a/b\""), order_with("id", "\"../x\"" ),
        order_with("id", "\"a\\u0000b\""), order_with("id", "\"a\\nb\""),
        order_with("id", "\"" + std::string(129, 'x') + "\""), order_with("id", "\"\u00e9\""),
    };
    // Every strict prefix of a valid order.
    for (size_t n = 0; n < kOrder.size(); ++n) bodies.push_back(kOrder.substr(0, n));
    post_all(s, "/v1/orders", bodies);
    check_log_untouched(s, before);
  }

  TEST_CASE("invalid UTF-8 and deep nesting are 400 and append nothing") {
    ServerFixture s;
    s.start();
    const double before = appended_records(s);
    post_all(s, "/v1/orders",
             {
                 order_with("id", "\"o\xff\""),
                 order_with("product", "\"JUMPERS\xc3\""),
                 order_with("state", "\"CREATED\xc0\xaf\""),  // overlong '/'
                 order_with("id", "\"o\xed\xa0\x80\""),       // an encoded surrogate
                 order_with("id", "\"\\ud800\""),             // a lone escaped surrogate
                 "{\"\xff\":1}",
                 std::string(100000, '['),
                 std::string(100000, '[') + std::string(100000, ']'),
                 [] {
                   std::string s;
                   for (int i = 0; i < 100000; ++i) s += "{\"a\":";
                   return s;
                 }(),
                 order_with("price", std::string(50000, '[') + "1" + std::string(50000, ']')),
             });
    check_log_untouched(s, before);
  }

  TEST_CASE("hostile customer, payment and inventory bodies are 4xx and append nothing") {
    ServerFixture s;
    s.start();
    const double before = appended_records(s);
    const std::string customer =
        R"({"id":7,"firstName":"a","lastName":"b","email":"c","address":"d","level":"gold"})";
    post_all(s, "/v1/customers",
             {"", "{", "[]", customer + "}", customer.substr(0, customer.size() - 1),
              R"({"id":"7","firstName":"a","lastName":"b","email":"c","address":"d"})",
              R"({"id":9223372036854775808,"firstName":"a","lastName":"b","email":"c","address":"d"})",
              R"({"id":7,"firstName":"a","lastName":"b","email":"c","address":"d","level":"diamond"})",
              R"({"id":7,"firstName":"a","lastName":"b","address":"d"})",
              R"({"id":7,"firstName":1,"lastName":"b","email":"c","address":"d"})",
              R"({"id":7,"firstName":"a","lastName":"b","email":"c","address":"d","vip":true})",
              "{\"id\":7,\"firstName\":\"\xfe\",\"lastName\":\"b\",\"email\":\"c\",\"address\":\"d\"}"});
    const std::string payment = R"({"id":"p-1","orderId":"o-1","ccy":"EUR","amount":1.5})";
    post_all(s, "/v1/payments",
             {"", "{", payment.substr(0, 20), R"({"id":"p-1","orderId":"o-1","ccy":"EUR","amount":NaN})",
              R"({"id":"p-1","orderId":"o-1","ccy":"EUR","amount":1e400})",
              R"({"id":"p-1","orderId":"o-1","ccy":"EUR","amount":"1.5"})",
              R"({"id":"p-1","orderId":"o-1","amount":1.5})",
              R"({"id":"p-1","orderId":"../o-1","ccy":"EUR","amount":1.5})",
              R"({"id":"p-1","orderId":"o-1","ccy":"EUR","amount":1.5,"x":0})"});
    post_all(s, "/v1/inventory/JUMPERS",
             {"", "10", "{\"stock\":-1}", "{\"stock\":1.5}", "{\"stock\":\"10\"}",
              "{\"stock\":9223372036854775808}", "{\"stock\":1e400}", "{\"stock\":10,\"x\":1}",
              "{\"Stock\":10}", "{\"stock\":null}"},
             400, bhttp::verb::put);
    post_all(s, "/v1/inventory/SOCKS", {"{\"stock\":10}"}, 404, bhttp::verb::put);
    post_all(s, "/v1/inventory/%2e%2e", {"{\"stock\":10}"}, 404, bhttp::verb::put);
    check_log_untouched(s, before);
  }
}
