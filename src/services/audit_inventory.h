// The inventory checks of the audit: which reservations the inventory task has released, and
// its reserved-stock stores against the quantities the orders say must be held.
// Internal to audit_log(); runs on the caller's thread inside its snapshot.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_set>

#include "log/read_view.h"
#include "services/audit.h"

namespace orderstream::services {

// Ids of the FAILED orders the inventory task has consumed from orders-by-product (records below
// its committed offset): their reservations are released. `partitions` of orders-by-product.
Result<std::unordered_set<std::string>> released_reservations(const log::ReadView& view,
                                                              int32_t partitions);

// Compares, per product, the sum of the inventory task's reserved stores over every partition
// with `expected` (product name -> quantity); reports reserved-mismatch and
// unreadable-store-value.
Status check_reserved(const log::ReadView& view, int32_t partitions,
                      const std::map<std::string, int64_t>& expected, ViolationSink& sink,
                      AuditSummary& summary);

}  // namespace orderstream::services
