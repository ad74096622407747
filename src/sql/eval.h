// Evaluation of bound expressions over a row of Values, with ksqlDB's NULL semantics:
// comparisons and arithmetic with NULL give NULL, AND/OR are three-valued, a WHERE or HAVING
// that is NULL is false, integer division by zero is NULL. Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "sql/ast.h"

namespace orderstream::sql {

struct EvalInput {
  const std::vector<Value>& row;                // indexed by column slots
  const std::vector<Value>* aggregates = nullptr;  // indexed by aggregate slots
};

// REQUIRES: `e` was bound (binder.h) against the scope that shaped `in.row`.
Value eval(const Expr& e, const EvalInput& in);
// True only for a non-NULL TRUE (WHERE / HAVING / ON).
bool is_true(const Value& v);
// SQL LIKE: '%' any run, '_' one byte; case-sensitive.
bool like(std::string_view text, std::string_view pattern);
// Three-way comparison of two non-NULL values of comparable types (numbers, strings, booleans).
int compare(const Value& a, const Value& b);

}  // namespace orderstream::sql
