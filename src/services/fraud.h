// Fraud check: per customer, the running total of quantity x price over session windows with a
// 1-hour inactivity gap; FAIL when the session total including this order is >= 2000, else PASS.
// Two steps: a rekey of CREATED orders by customer id (through orders-by-customer), then the
// session aggregation in the task that owns the customer. An order's value is
// max(0, quantity x price) and each order id is counted once. Processors are per task.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stream/processor.h"
#include "stream/session_store.h"

namespace orderstream::services {

inline constexpr const char* kFraudSubTopology = "fraud";
inline constexpr const char* kFraudSessionsStore = "sessions";  // stream::SessionStore by customer id
inline constexpr const char* kFraudOrdersStore = "orders";      // order id -> "P" | "F" (checked)

struct FraudOptions {
  int64_t session_gap_ms = 3600 * 1000;
  double limit = 2000.0;
  // Sessions that ended longer ago than this before stream time can no longer merge: dropped.
  int64_t retention_ms = 24 * 3600 * 1000;
};

// The stores of the fraud step (its session store's and the checked-orders store).
std::vector<std::string> fraud_store_names();
// A customer's session windows (the aggregate is the session total, "%.17g"); for tests/tools.
stream::SessionStore fraud_session_store(const FraudOptions& options);

std::unique_ptr<stream::Processor> make_fraud_rekey_processor();
std::unique_ptr<stream::Processor> make_fraud_processor(FraudOptions options);

}  // namespace orderstream::services
