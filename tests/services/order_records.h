// Order and validation records for the services tests that write the order topics by hand
// instead of running the pipeline (aggregator_test, audit_test): short names for checks and
// results, a default order, and each record's topic, key and JSON value as the services write
// them. Header-only, pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "services/json_codec.h"
#include "services/model.h"
#include "services/topics.h"

namespace orderstream::test {

inline constexpr auto kInv = services::CheckType::kInventoryCheck;
inline constexpr auto kFraud = services::CheckType::kFraudCheck;
inline constexpr auto kDetails = services::CheckType::kOrderDetailsCheck;
inline constexpr auto kPass = services::ValidationResult::kPass;
inline constexpr auto kFail = services::ValidationResult::kFail;
inline constexpr auto kError = services::ValidationResult::kError;

inline constexpr int64_t kTestCustomer = 7;

// A CREATED order of customer kTestCustomer: `qty` units of `product` at 1.5 each.
inline services::Order test_order(const std::string& id,
                                  services::Product product = services::Product::kJumpers,
                                  int32_t qty = 1) {
  return services::Order{id, kTestCustomer, services::OrderState::kCreated, product, qty, 1.5};
}

// One record to write: the caller picks the partition (by key) and the timestamp.
struct TopicRecord {
  const char* topic;
  std::string key;
  std::optional<std::string> value;
};

// `o` on the orders topic, keyed by its id; in `state` if given (a final record), else as is.
inline TopicRecord order_record(services::Order o,
                                std::optional<services::OrderState> state = std::nullopt) {
  if (state) o.state = *state;
  return {services::topics::kOrders, o.id, services::to_json(o)};
}

// The result of one check of order `id` on the validations topic, keyed by the order id.
inline TopicRecord validation_record(const std::string& id, services::CheckType check,
                                     services::ValidationResult result) {
  return {services::topics::kOrderValidations, id,
          services::to_json(services::OrderValidation{id, check, result})};
}

}  // namespace orderstream::test
