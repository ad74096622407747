// Query planning: binds a SELECT against the catalog into a SelectPlan that the persistent query
// tasks, push queries and pull queries evaluate. A plan is immutable once made and shared
// read-only by tasks on any thread (it owns the statement whose expressions it points into).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/catalog.h"

namespace orderstream::sql {

struct SelectPlan {
  std::shared_ptr<const Statement> statement;
  SourceDef left;  // the FROM source
  std::optional<SourceDef> right;  // the joined table
  bool left_join = false;
  size_t left_offset = 0, right_offset = 0;  // first slot of each source in a row
  int width = 0;                             // slots in a row

  std::vector<std::string> names;  // output columns, in order
  std::vector<ExprPtr> projections;
  ExprPtr where;         // may be null
  ExprPtr join_key;      // the stream side of ON (compared with the table's key)
  ExprPtr partition_by;  // may be null

  bool aggregate = false;  // GROUP BY query
  std::vector<ExprPtr> group_by;  // column references
  std::vector<const Expr*> aggregates;  // COUNT/SUM calls, by slot
  ExprPtr having;  // may be null
  std::optional<WindowSpec> window;
  int window_start_slot = -1, window_end_slot = -1;
  std::optional<int64_t> limit;

  // The schema of the rows this query produces: the output columns with their types, then
  // WINDOWSTART and WINDOWEND for a windowed aggregate.
  std::vector<ColumnDef> output_columns() const;
  // A fresh row of `width` NULLs.
  std::vector<Value> empty_row() const { return std::vector<Value>(width); }
};

// Binds statement->select. InvalidArgument with line and column for unknown sources or columns,
// type errors, unsupported shapes (a join that is not stream-table on the table's key, a
// non-column GROUP BY, a selected column that is neither grouped nor aggregated, ...).
Result<std::shared_ptr<const SelectPlan>> plan_select(const Catalog& catalog,
                                                      std::shared_ptr<const Statement> statement);

// The text of a group key (the values of the GROUP BY columns) as used for record keys and the
// aggregate store: one value as its text, several joined with '|'.
std::string group_key_text(const std::vector<Value>& values);

}  // namespace orderstream::sql
