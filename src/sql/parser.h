// Parser of the SQL subset (grammar in src/sql/README.md). Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"

namespace orderstream::sql {

// Parses statements separated by ';' (the last ';' may be omitted). Errors are InvalidArgument
// "line L, column C: <what>", e.g. "line 1, column 8: expected STREAM or TABLE but found 'FOO'".
Result<std::vector<Statement>> parse_statements(std::string_view text);

// Exactly one statement. InvalidArgument when there are none or several.
Result<Statement> parse_statement(std::string_view text);

// Duration units of WINDOW clauses: MILLISECONDS .. DAYS (singular too), in ms; 0 if unknown.
int64_t unit_ms(std::string_view unit);

}  // namespace orderstream::sql
