// libFuzzer target: every JSON decoder of services/json_codec.h on arbitrary bytes. Besides "no
// crash, no sanitizer report" it checks three properties, aborting on a violation:
//   - every error is InvalidArgument with a valid UTF-8 message (it is quoted into HTTP bodies);
//   - round trip: a decoded value, encoded and decoded again, is the same value;
//   - the encoding is canonical: encoding that second value gives the same bytes.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "services/json_codec.h"

namespace {

using namespace orderstream;
using namespace orderstream::services;

[[noreturn]] void fail(const char* what, std::string_view input, std::string_view detail) {
  std::fprintf(stderr, "json_codec_fuzz: %s\n  input: %.*s\n  detail: %.*s\n", what,
               static_cast<int>(input.size()), input.data(), static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

void check_error(const Status& st, std::string_view input) {
  if (st.code() != StatusCode::kInvalidArgument) fail("error is not InvalidArgument", input, st.to_string());
  const std::string& m = st.message();
  if (m.empty() || !simdjson::validate_utf8(m.data(), m.size())) {
    fail("error message is empty or not valid UTF-8", input, m);
  }
}

// decode(input) -> v; then decode(encode(v)) must be v and re-encode to the same bytes.
template <class T, class Decode>
void round_trip(std::string_view input, Decode decode) {
  Result<T> first = decode(input);
  if (!first.ok()) return check_error(first.status(), input);
  const std::string encoded = to_json(first.value());
  Result<T> second = decode(encoded);
  if (!second.ok()) fail("the encoding of a decoded value does not decode", input, encoded);
  if (!(second.value() == first.value())) fail("round trip changed the value", input, encoded);
  if (to_json(second.value()) != encoded) fail("encoding is not canonical", input, encoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  round_trip<Order>(input, [](std::string_view j) { return order_from_json(j, false); });
  round_trip<Order>(input, [](std::string_view j) { return order_from_json(j, true); });
  round_trip<OrderValidation>(input, order_validation_from_json);
  round_trip<Payment>(input, payment_from_json);
  round_trip<Customer>(input, customer_from_json);
  round_trip<OrderEnriched>(input, order_enriched_from_json);
  round_trip<InventoryLevel>(input, inventory_level_from_json);

  // The REST inventory body agrees with inventory_level_from_json.
  Result<int64_t> body_stock = stock_from_body_json(input);
  if (!body_stock.ok()) {
    check_error(body_stock.status(), input);
  } else if (*body_stock < 0) {
    fail("negative stock accepted", input, std::to_string(*body_stock));
  }

  // The warehouse-inventory log value: a plain integer >= 0.
  Result<int64_t> log_stock = stock_from_log_json(input);
  if (!log_stock.ok()) {
    check_error(log_stock.status(), input);
  } else {
    if (*log_stock < 0) fail("negative stock accepted", input, std::to_string(*log_stock));
    const std::string encoded = stock_to_log_json(*log_stock);
    Result<int64_t> again = stock_from_log_json(encoded);
    if (!again.ok() || *again != *log_stock) fail("stock round trip failed", input, encoded);
  }
  return 0;
}
