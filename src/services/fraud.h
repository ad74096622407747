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

namespace orderstream::services {

inline constexpr const char* kFraudSubTopology = "fraud";
inline constexpr const char* kFraudSessionsStore = "sessions";  // customer id -> encode_sessions
inline constexpr const char* kFraudOrdersStore = "orders";      // order id -> "P" | "F" (checked)

struct FraudOptions {
  int64_t session_gap_ms = 3600 * 1000;
  double limit = 2000.0;
  // Sessions that ended longer ago than this before stream time can no longer merge: dropped.
  int64_t retention_ms = 24 * 3600 * 1000;
};

// One session window of one customer: [start_ms, end_ms] with the total value of its orders.
struct Session {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  double total = 0;
};
std::string encode_sessions(const std::vector<Session>& sessions);
std::vector<Session> decode_sessions(std::string_view text);
// Adds an order of `value` at `ts` to `sessions`, merging every session within `gap` of it (and
// so bridged by it). Returns the merged session's total.
double add_to_sessions(std::vector<Session>* sessions, int64_t ts, double value, int64_t gap_ms);

std::unique_ptr<stream::Processor> make_fraud_rekey_processor();
std::unique_ptr<stream::Processor> make_fraud_processor(FraudOptions options);

}  // namespace orderstream::services
