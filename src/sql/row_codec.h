// Records <-> rows: reads a record's JSON value (simdjson) and key into a source's typed columns,
// and writes a row as a JSON object. Thread-safe: a thread_local simdjson parser per thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"

namespace orderstream::sql {

// Fills (*row)[offset .. offset + columns.size()] (the last slot is ROWTIME = timestamp_ms).
// Key columns come from the record key (parsed as their type); the others from the JSON
// object's fields, matched case-insensitively; a missing field, JSON null or a value of the wrong
// type is NULL (a number read into VARCHAR keeps its text). A value that is a JSON scalar fills
// the single non-key column (warehouse-inventory's plain stock numbers). A null value (tombstone)
// leaves every value column NULL. InvalidArgument for malformed JSON.
// REQUIRES: row->size() >= offset + columns.size() + 1.
Status decode_row(const std::vector<ColumnDef>& columns, std::optional<std::string_view> key,
                  std::optional<std::string_view> value, int64_t timestamp_ms,
                  std::vector<Value>* row, size_t offset);

// {"name1":v1,"name2":v2,...} in the given order. REQUIRES: names.size() == values.size().
std::string encode_row(const std::vector<std::string>& names, const std::vector<Value>& values);

}  // namespace orderstream::sql
