// A push query (SELECT ... FROM s [WHERE ...] EMIT CHANGES [LIMIT n]): follows every partition
// of a source's topic from its end (default, like ksqlDB's auto.offset.reset=latest) or from the
// beginning, filters and projects each record. Owned and polled by one thread at a time; it
// reads the Log through its own read views and needs no lock.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "log/log.h"
#include "sql/plan.h"

namespace orderstream::sql {

class PushQuery {
 public:
  // REQUIRES: the log outlives the query; the plan has no join and no GROUP BY.
  // NotFound if the source topic does not exist.
  static Result<std::unique_ptr<PushQuery>> start(log::Log& log, std::shared_ptr<const SelectPlan> plan,
                                                  bool from_beginning);

  const std::vector<std::string>& columns() const { return plan_->names; }
  std::vector<SqlType> column_types() const;
  // Records of the source that did not decode (malformed JSON) and were passed over.
  int64_t skipped() const { return skipped_; }
  // Appends the rows of records that arrived since the last poll (never more than the LIMIT
  // allows); when there were none, first waits up to `wait` for the log to change.
  Status poll(std::vector<std::vector<Value>>* rows, std::chrono::milliseconds wait);
  // True once LIMIT rows were returned.
  bool done() const { return plan_->limit && emitted_ >= *plan_->limit; }

 private:
  PushQuery(log::Log& log, std::shared_ptr<const SelectPlan> plan) : log_(log), plan_(std::move(plan)) {}
  Status read_new(std::vector<std::vector<Value>>* rows, bool* any);

  log::Log& log_;
  std::shared_ptr<const SelectPlan> plan_;
  std::vector<Offset> next_;  // per partition
  int64_t emitted_ = 0;
  int64_t skipped_ = 0;  // records that did not decode (malformed JSON)
};

}  // namespace orderstream::sql
