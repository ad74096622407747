// JSON codecs for the domain types (docs/reference.md, "JSON bodies"): canonical encoders and strict
// decoders. Thread-safe: decoders use a thread_local simdjson parser; encoders share nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "services/model.h"

namespace orderstream::services {

// Largest document a decoder accepts; longer input is InvalidArgument.
inline constexpr size_t kMaxJsonBytes = 1 << 20;

// Canonical encoders: one compact object, fields in the order of REFERENCE.md, e.g.
//   {"id":"o1","customerId":7,"state":"CREATED","product":"JUMPERS","quantity":1,"price":1.5}
// (`product` omitted when absent; Customer always writes `level`). Doubles use the shortest
// representation that round-trips (std::to_chars; digits-only results longer than 15 digits use
// exponent notation so they stay doubles; -0 is written as 0; NaN/Inf, which JSON cannot hold, as
// null, which every decoder rejects). Strings are written by append_json_string
// (common/json_string.h): invalid UTF-8, which only strings built in C++ can hold, becomes U+FFFD
// so the output is always valid JSON.
std::string to_json(const Order& v);
std::string to_json(const OrderValidation& v);
std::string to_json(const Payment& v);
std::string to_json(const Customer& v);
std::string to_json(const OrderEnriched& v);
std::string to_json(const InventoryLevel& v);  // {"stock":N}
std::string to_json(const Email& v);  // {"customerId","to","orderId","paymentId","subject","body"}
// The value of a warehouse-inventory log record: the plain JSON integer, e.g. "10".
std::string stock_to_log_json(int64_t stock);

// Strict decoders. Every error is InvalidArgument with a message a client can act on:
//   "malformed JSON: <simdjson's reason>"       (syntax, truncation, invalid UTF-8, too deep)
//   "top-level JSON value must be an object"
//   "missing required field 'product'"          "unknown field 'x'"     "duplicate field 'id'"
//   "field 'quantity' must be an integer"       "field 'quantity' is out of range for int32"
//   "field 'state' has unknown value 'X' (accepted: CREATED, VALIDATED, FAILED, SHIPPED)"
//   "field 'id' must not be empty"              (ids: see check_id in model.h)
// Fields may appear in any order. Integers must be written as integers (no fraction, no
// exponent); doubles accept any JSON number that is finite. `null` counts as absent for the
// optional fields (Order.product, Customer.level) and is a type error elsewhere.
// Input may be any bytes; it is copied, so the view need only be valid during the call.

// REST bodies require `product`; the log decoder passes allow_missing_product=true so the
// order-details check can FAIL such orders.
Result<Order> order_from_json(std::string_view json, bool allow_missing_product);
// A cheap look at an order's state without decoding it, for the processors that act only on
// CREATED orders (half of the `orders` records are final states they skip). nullopt unless the
// text shows exactly one "state" member with a known value; then decode it fully.
std::optional<OrderState> peek_order_state(std::string_view json);
Result<OrderValidation> order_validation_from_json(std::string_view json);
Result<Payment> payment_from_json(std::string_view json);  // amount must be finite
// `level` defaults to "bronze" and must be one of kCustomerLevels.
Result<Customer> customer_from_json(std::string_view json);
Result<OrderEnriched> order_enriched_from_json(std::string_view json);
// The inventory REST body {"stock": N}; N is an integer >= 0.
Result<InventoryLevel> inventory_level_from_json(std::string_view json);
// Same body, returning only the stock.
Result<int64_t> stock_from_body_json(std::string_view json);
// The value of a warehouse-inventory log record: a plain JSON integer >= 0, e.g. "10".
Result<int64_t> stock_from_log_json(std::string_view json);

}  // namespace orderstream::services
