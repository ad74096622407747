#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "services/codec_test_util.h"
#include "services/json_codec.h"

namespace orderstream::services {
namespace {

using namespace testing;

// Runs every decoder on `input`. Each must return a value or InvalidArgument, and any value it
// returns must survive a canonical re-encode unchanged. Returns how many decoders accepted it.
struct Fuzzer {
  int accepted = 0;
  int rejected = 0;
  int bad = 0;  // wrong status code or unstable round trip

  template <class T, class Decode>
  void run(std::string_view input, Decode decode) {
    const Result<T> r = decode(input);
    if (!r.ok()) {
      if (r.status().code() == StatusCode::kInvalidArgument && !r.status().message().empty()) {
        ++rejected;
      } else {
        ++bad;
        FAIL_CHECK("unexpected status " << r.status().to_string() << " for: " << input);
      }
      return;
    }
    ++accepted;
    const Result<T> again = decode(encode(r.value()));
    if (!again.ok() || !(again.value() == r.value())) {
      ++bad;
      FAIL_CHECK("unstable round trip for: " << input);
    }
  }

  static std::string encode(const Order& v) { return to_json(v); }
  static std::string encode(const OrderValidation& v) { return to_json(v); }
  static std::string encode(const Payment& v) { return to_json(v); }
  static std::string encode(const Customer& v) { return to_json(v); }
  static std::string encode(const OrderEnriched& v) { return to_json(v); }
  static std::string encode(const InventoryLevel& v) { return to_json(v); }
  static std::string encode(int64_t v) { return stock_to_log_json(v); }

  void all(std::string_view s) {
    run<Order>(s, [](std::string_view j) { return order_from_json(j, false); });
    run<Order>(s, [](std::string_view j) { return order_from_json(j, true); });
    run<OrderValidation>(s, order_validation_from_json);
    run<Payment>(s, payment_from_json);
    run<Customer>(s, customer_from_json);
    run<OrderEnriched>(s, order_enriched_from_json);
    run<InventoryLevel>(s, inventory_level_from_json);
    run<InventoryLevel>(s, [](std::string_view j) -> Result<InventoryLevel> {
      OS_ASSIGN_OR_RETURN(int64_t stock, stock_from_body_json(j));
      return InventoryLevel{stock};
    });
    run<int64_t>(s, stock_from_log_json);
  }
};

std::vector<std::string> seed_documents() {
  return {
      kOrderJson,
      to_json(Order{"o", -5, OrderState::kFailed, std::nullopt, INT32_MIN, -1e-300}),
      to_json(OrderValidation{"o-1", CheckType::kOrderDetailsCheck, ValidationResult::kError}),
      to_json(Payment{"p-1", "o-1", "EUR", 1.7976931348623157e308}),
      to_json(Customer{INT64_MAX, "Zoë", "日本 😀", "a\"b\\c\x01", "", "platinum"}),
      to_json(OrderEnriched{"o-1", INT64_MIN, "silver"}),
      to_json(InventoryLevel{20}),
      stock_to_log_json(10),
      R"({"id":"a","customerId":1,"state":"SHIPPED","product":null,"quantity":-0,"price":-2E+2})",
  };
}

// Bytes that are likely to change the meaning of a JSON document.
const std::vector<std::string> kInsertions = {
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "\\",
    "\\u",
    "\\ud800",
    "null",
    "-",
    "0",
    "e",
    ".",
    "1e999",
    "99999999999999999999",
    "\xff",
    "\xc3",
    "\xe2\x82",
    "\x00",
    " ",
    "\"id\":\"x\",",
};

TEST_SUITE("services") {
  TEST_CASE("every truncation of a valid document is rejected or decodes stably") {
    Fuzzer f;
    for (const std::string& doc : seed_documents()) {
      for (size_t n = 0; n <= doc.size(); ++n) f.all(std::string_view(doc).substr(0, n));
    }
    CHECK(f.bad == 0);
    CHECK(f.accepted > 0);
  }

  TEST_CASE("20000 random mutations never crash and yield a value or InvalidArgument") {
    const uint64_t seed = 0x05eed2024;
    MESSAGE("mutation seed: " << seed);
    std::mt19937_64 rng(seed);
    const std::vector<std::string> docs = seed_documents();
    Fuzzer f;
    for (int iter = 0; iter < 20000; ++iter) {
      std::string s = docs[rng() % docs.size()];
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits; ++e) {
        const size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
        switch (rng() % 5) {
          case 0:  // replace a byte with any byte
            if (pos < s.size()) s[pos] = static_cast<char>(rng() & 0xFF);
            break;
          case 1:  // flip one bit
            if (pos < s.size()) s[pos] = static_cast<char>(s[pos] ^ (1 << (rng() % 8)));
            break;
          case 2:  // insert a meaningful token
            s.insert(pos, kInsertions[rng() % kInsertions.size()]);
            break;
          case 3:  // delete a span
            s.erase(pos, rng() % 4);
            break;
          default:  // duplicate a span
            s.insert(pos, s.substr(pos, rng() % 12));
            break;
        }
      }
      f.all(s);
      if (f.bad > 10) break;  // enough to diagnose
    }
    MESSAGE("accepted " << f.accepted << ", rejected " << f.rejected);
    CHECK(f.bad == 0);
    CHECK(f.rejected > 0);
  }
}

}  // namespace
}  // namespace orderstream::services
