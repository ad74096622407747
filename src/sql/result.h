// The result of one statement: a status message or a table of rows, with what kind of statement
// made it (for ksqlDB's JSON shapes). Plain value type.
#pragma once

#include <string>
#include <vector>

#include "sql/value.h"

namespace orderstream::sql {

enum class ResultKind {
  kStatus,       // CREATE, DROP, TERMINATE, SET: message (and query_id for CREATE ... AS)
  kStreams,      // SHOW STREAMS
  kTables,       // SHOW TABLES
  kQueries,      // SHOW QUERIES
  kDescription,  // DESCRIBE: one row per column (name, type, key)
  kRows,         // a pull query
};

struct StatementResult {
  ResultKind kind = ResultKind::kStatus;
  std::string statement;  // the statement's text
  std::string message;
  std::string query_id;
  std::string name;  // DESCRIBE: the source
  std::string source_type, topic;  // DESCRIBE: "STREAM"/"TABLE" and its topic
  std::vector<std::string> columns;
  std::vector<SqlType> column_types;  // kRows only
  std::vector<std::vector<Value>> rows;
};

}  // namespace orderstream::sql
