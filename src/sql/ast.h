// The syntax tree of the SQL subset (see README "SQL"): statements, SELECTs and expressions.
// Built by the parser, annotated once by the binder (slots, types), then shared read-only by the
// query tasks (shared_ptr<const ...>), so it is safe to read from any thread after binding.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql/value.h"

namespace orderstream::sql {

struct Pos {
  int line = 1;
  int column = 1;
  std::string to_string() const {
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
  }
};

struct Expr;
using ExprPtr = std::shared_ptr<Expr>;

enum class ExprKind {
  kLiteral,  // literal
  kColumn,   // [qualifier.]name
  kUnary,    // op: "NOT" or "-"; args[0]
  kBinary,   // op: AND OR = != < <= > >= + - * /; args[0], args[1]
  kIsNull,   // args[0] IS [NOT] NULL (negated)
  kLike,     // args[0] [NOT] LIKE args[1] (negated)
  kCall,     // name(args) or COUNT(*) (star); aggregates only
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  Pos pos;
  Value literal;
  std::string qualifier;  // kColumn: the alias or source name before '.', may be empty
  std::string name;       // kColumn: column name as written; kCall: function name upper-cased
  std::string op;         // kUnary / kBinary
  bool negated = false;   // kIsNull, kLike
  bool star = false;      // kCall: COUNT(*)
  std::vector<ExprPtr> args;

  // Set by the binder.
  int slot = -1;      // kColumn: index in the row; kCall: index of the aggregate
  SqlType type = SqlType::kNull;
};

struct ColumnDef {
  std::string name;
  SqlType type = SqlType::kVarchar;
  bool key = false;  // KEY / PRIMARY KEY: read from the record key
  Pos pos;
};

struct SelectItem {
  ExprPtr expr;       // null for '*'
  std::string alias;  // AS alias, may be empty
  std::string star_qualifier;  // "o" in o.*
  Pos pos;
};

struct TableRef {
  std::string name;
  std::string alias;  // may be empty
  Pos pos;
};

struct JoinClause {
  bool left = false;  // LEFT [OUTER] JOIN
  TableRef table;
  ExprPtr on;
};

struct WindowSpec {
  int64_t size_ms = 0;
  int64_t grace_ms = 24LL * 3600 * 1000;  // ksqlDB's default grace
  Pos pos;
};

struct Select {
  std::vector<SelectItem> items;
  TableRef from;
  std::optional<JoinClause> join;
  ExprPtr where;
  std::optional<WindowSpec> window;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  ExprPtr partition_by;
  bool emit_changes = false;
  std::optional<int64_t> limit;
  Pos pos;
};

enum class StatementKind {
  kCreateSource,  // CREATE STREAM|TABLE name (cols) WITH (...)
  kCreateAs,      // CREATE STREAM|TABLE name [WITH (...)] AS SELECT ...
  kSelect,        // push or pull query
  kShow,          // SHOW STREAMS|TABLES|QUERIES
  kDescribe,      // DESCRIBE name
  kDrop,          // DROP STREAM|TABLE [IF EXISTS] name
  kTerminate,     // TERMINATE query_id
  kSet,           // SET 'property' = 'value'
};

enum class ShowWhat { kStreams, kTables, kQueries };

struct Statement {
  StatementKind kind = StatementKind::kSelect;
  Pos pos;
  std::string text;       // the statement's source text, without the ';'
  bool is_table = false;  // CREATE/DROP TABLE
  bool if_exists = false;      // DROP ... IF EXISTS
  bool if_not_exists = false;  // CREATE ... IF NOT EXISTS
  std::string name;       // created/described/dropped source, query id, or SET property
  std::string set_value;  // SET
  std::vector<ColumnDef> columns;
  std::map<std::string, std::string> with;  // upper-cased property -> value
  std::shared_ptr<Select> select;
  ShowWhat show = ShowWhat::kStreams;
};

}  // namespace orderstream::sql
