// The order checks of the audit: `orders` and `order-validations` read partition by partition
// (they are co-partitioned by order id, so one partition's orders are all its validations need).
// Internal to audit_log(); runs on the caller's thread inside its snapshot.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_set>

#include "log/read_view.h"
#include "services/audit.h"

namespace orderstream::services {

struct OrdersAuditInput {
  const log::ReadView* view = nullptr;
  int32_t partitions = 0;  // of orders and of order-validations (equal)
  const AuditOptions* options = nullptr;
  // FAILED orders whose reservation the inventory task has released (see audit_inventory.h).
  const std::unordered_set<std::string>* released = nullptr;
};

// Checks every order and validation (kinds: see audit_log) and adds, per product name, the
// quantities the inventory store must still hold reserved to *expected_reserved.
Status audit_orders(const OrdersAuditInput& in, ViolationSink& sink, AuditSummary& summary,
                    std::map<std::string, int64_t>* expected_reserved);

}  // namespace orderstream::services
