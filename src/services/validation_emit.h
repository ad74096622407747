// Helpers shared by the validators: decode an order record and emit one OrderValidation.
#pragma once

#include "services/json_codec.h"
#include "services/model.h"
#include "services/topics.h"
#include "stream/processor.h"

namespace orderstream::services {

// Decodes an orders record (product may be missing). InvalidArgument for a tombstone or bad JSON.
inline Result<Order> decode_order_record(const stream::InputRecord& r) {
  if (!r.value) return invalid_argument("tombstone in an order topic");
  return order_from_json(*r.value, /*allow_missing_product=*/true);
}

// True when the record is plainly an order in another state than CREATED, which the
// validators skip without decoding it. A record this cannot tell is decoded as usual.
inline bool plainly_not_created(const stream::InputRecord& r) {
  if (!r.value) return false;
  std::optional<OrderState> state = peek_order_state(*r.value);
  return state && *state != OrderState::kCreated;
}

inline void emit_validation(stream::TaskContext& ctx, const std::string& order_id, CheckType check,
                            ValidationResult result, int64_t timestamp_ms) {
  ctx.emit(topics::kOrderValidations, order_id,
           to_json(OrderValidation{order_id, check, result}), timestamp_ms);
}

}  // namespace orderstream::services
