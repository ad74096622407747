// How statement results look: bordered tables for people (the CLI) and ksqlDB's JSON shapes for
// the REST API (/ksql, /query-stream). Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "sql/result.h"

namespace orderstream::sql {

// A bordered table: +---+ rules, a header row, one line per row, values as text (NULL as "null").
std::string render_table(const std::vector<std::string>& columns,
                         const std::vector<std::vector<Value>>& rows);
// A status message line, or the table of a SHOW / DESCRIBE / pull query.
std::string render_result(const StatementResult& r);

// One element of a /ksql response array: {"@type":"currentStatus",...}, {"@type":"streams",...},
// {"@type":"tables",...}, {"@type":"queries",...}, {"@type":"sourceDescription",...}, or
// {"@type":"rows","columnNames":[...],"rows":[[...]]} for a pull query.
std::string to_ksql_json(const StatementResult& r);
// The first line of a /query-stream response: {"queryId":..,"columnNames":[..],"columnTypes":[..]}.
std::string query_header_json(const std::string& query_id, const std::vector<std::string>& columns,
                              const std::vector<SqlType>& types);
// [v1,v2,...]
std::string row_json(const std::vector<Value>& row);

}  // namespace orderstream::sql
