// Audit: checks the business invariants of an order-ecosystem log from one read snapshot (one
// LMDB read txn), so it is exact even beside a live server. Pure reads; call from any thread.
// What is checked, and how orders still in flight are treated, is documented at audit_log().
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/strong_int.h"
#include "log/log.h"
#include "services/model.h"

namespace orderstream::services {

struct AuditOptions {
  // The checks an order needs to be VALIDATED: must match the server's --rules.
  std::vector<CheckType> rules{CheckType::kInventoryCheck, CheckType::kFraudCheck,
                               CheckType::kOrderDetailsCheck};
  // Also a violation: an order without a final record, and an ecosystem consumer group behind
  // its input's end. For a pipeline that should be drained (stopped load, lag 0).
  bool expect_drained = false;
  // Violations kept in AuditReport::violations; all are counted.
  size_t max_violations = SIZE_MAX;
};

// One broken invariant, located at a record (topic, partition, offset) or, for a state-store or
// group problem, at the partition it concerns with `where` naming the store key or group.
struct Violation {
  std::string kind;  // stable short code, e.g. "duplicate-created" (see audit_log)
  std::string topic;
  PartitionId partition;
  std::optional<Offset> offset;
  std::string where;  // "" or e.g. "group order-details", "store inventory/1/reserved key JUMPERS"
  std::string message;
};

struct AuditSummary {
  int64_t orders = 0;            // distinct order ids with a record in `orders`
  int64_t not_final = 0;         // of those, with no final record yet (in flight)
  int64_t finals = 0;            // VALIDATED and FAILED records
  int64_t validations = 0;       // order-validations records
  int64_t products = 0;          // products whose reserved stock was compared
  int64_t pending_releases = 0;  // FAILED orders whose reservation the inventory task still holds
  int64_t group_offsets = 0;     // committed offsets checked
  int64_t lag = 0;               // records the ecosystem's groups have not consumed yet
};

struct AuditReport {
  std::vector<Violation> violations;  // the first max_violations found
  int64_t violation_count = 0;
  AuditSummary summary;
  bool clean() const { return violation_count == 0; }
};

// Collects violations up to a cap. Used by the audit_*.cpp checks.
class ViolationSink {
 public:
  explicit ViolationSink(AuditReport* report, size_t max) : report_(report), max_(max) {}
  void add(Violation v) {
    ++report_->violation_count;
    if (report_->violations.size() < max_) report_->violations.push_back(std::move(v));
  }

 private:
  AuditReport* report_;
  size_t max_;
};

// Audits the log from one snapshot. Violation kinds:
//   orders:      duplicate-created, final-without-created, double-final, final-differs
//   validations: duplicate-validation, validation-unknown-order
//   both:        unreadable-record (tombstone, bad JSON), misplaced-record (key is not the order
//                id, or not the partition of that key: the aggregator would never join them)
//   decisions:   validated-without-pass, validated-with-fail, failed-without-fail (configured
//                rules only; the aggregator ignores other checks)
//   inventory:   reserved-mismatch, unreadable-store-value
//   groups:      offset-out-of-range (committed outside [start, end]; only retention moves
//                start), offset-unknown-partition
//   drained:     not-final, lagging-group (only with expect_drained)
// Orders in flight are exact, not tolerated: an order without a final record is simply not
// decided yet (a violation only with expect_drained). Its inventory PASS holds a reservation.
// A FAILED order releases its reservation when the inventory task consumes its FAILED record
// from orders-by-product; the snapshot shows exactly which it consumed (its committed offset),
// so reserved[product] must equal the quantities of the orders with an inventory PASS minus
// those whose FAILED record lies below the inventory group's committed offset. On a drained
// pipeline that is "PASSed and did not end FAILED".
// Errors: NotFound if `orders` or `order-validations` is missing; InvalidArgument if they are
// not co-partitioned; Corruption from the log (a bad CRC stops the audit).
Result<AuditReport> audit_log(const log::Log& log, const AuditOptions& options);

// Records the order ecosystem's consumer groups have not consumed yet, from one snapshot; 0 means
// the pipeline is drained (every task's outputs are in the log). Cheap: reads offsets only.
Result<int64_t> pipeline_lag(const log::Log& log);

// "kind topic=T partition=P offset=O [where]: message".
std::string format_violation(const Violation& v);

}  // namespace orderstream::services
