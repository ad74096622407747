// Binding: resolves the column references of an expression against the sources of a query
// (setting each Expr's slot in the row) and infers and checks types, so errors surface when a
// statement is submitted, with line and column, not when records flow. Single-threaded use.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"

namespace orderstream::sql {

// The columns visible to a query's expressions. A row is a flat vector of Values: each source's
// columns (plus its ROWTIME) at its offset, then pseudo columns (WINDOWSTART, WINDOWEND).
class Scope {
 public:
  // Adds a source's columns and its ROWTIME pseudo column; returns the offset of its first slot.
  int add_source(std::string name, std::string alias, const std::vector<ColumnDef>& columns);
  // Adds one column not qualified by any source (e.g. WINDOWSTART).
  int add_pseudo(std::string name, SqlType type);
  int width() const { return width_; }
  // The slot and type of a column reference. InvalidArgument naming the column and its position
  // when it is unknown or ambiguous.
  Status resolve(Expr& column) const;

  struct Entry {
    std::string source;  // "" for pseudo columns
    std::string alias;
    ColumnDef column;
    int slot;
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
  int width_ = 0;
};

struct BindOptions {
  // When set, aggregate calls (COUNT, SUM) are allowed and appended here (Expr::slot = index).
  std::vector<const Expr*>* aggregates = nullptr;  // point into the bound tree
};

// Resolves and type-checks `e` (and its children) in place.
Status bind_expr(const ExprPtr& e, const Scope& scope, const BindOptions& options = {});

// The column name a SELECT item gets when it has no alias: the column's name, else KSQL_COL_<i>.
std::string default_column_name(const Expr& e, size_t index);

}  // namespace orderstream::sql
