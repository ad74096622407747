#include "sql/result_format.h"

#include "common/json_string.h"

#include <algorithm>

namespace orderstream::sql {

namespace {

std::string quote(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string string_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + quote(items[i]);
  return out + "]";
}

// A cell's text; line breaks (multi-line statements) become spaces so a row stays one line.
std::string text(const Value& v) {
  std::string out = v.is_string() ? v.as_string() : v.to_json();
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

// {"@type":"<type>","statementText":"...",<body>,"warnings":[]}
std::string envelope(const char* type, const StatementResult& r, const std::string& body) {
  return std::string("{\"@type\":\"") + type + "\",\"statementText\":" + quote(r.statement) + "," + body +
         ",\"warnings\":[]}";
}

std::string sources_json(const StatementResult& r, bool tables) {
  std::string out = tables ? "\"tables\":[" : "\"streams\":[";
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const auto& row = r.rows[i];
    out += std::string(i ? "," : "") + "{\"type\":\"" + (tables ? "TABLE" : "STREAM") + "\",\"name\":" +
           quote(text(row[0])) + ",\"topic\":" + quote(text(row[1])) +
           ",\"keyFormat\":\"KAFKA\",\"valueFormat\":\"JSON\",\"isWindowed\":" + row[4].to_json() + "}";
  }
  return out + "]";
}

std::string queries_json(const StatementResult& r) {
  std::string out = "\"queries\":[";
  for (size_t i = 0; i < r.rows.size(); ++i) {
    const auto& row = r.rows[i];
    out += std::string(i ? "," : "") + "{\"queryString\":" + quote(text(row[5])) + ",\"sinks\":[" +
           quote(text(row[3])) + "],\"sinkKafkaTopics\":[" + quote(text(row[4])) + "],\"id\":" +
           quote(text(row[0])) + ",\"queryType\":\"PERSISTENT\",\"state\":" + quote(text(row[2])) + "}";
  }
  return out + "]";
}

std::string description_json(const StatementResult& r) {
  std::string fields;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    std::string type = text(r.rows[i][1]);
    size_t paren = type.find(' ');
    bool key = paren != std::string::npos;
    fields += std::string(i ? "," : "") + "{\"name\":" + quote(text(r.rows[i][0])) +
              ",\"schema\":{\"type\":" + quote(type.substr(0, paren)) + "}" + (key ? ",\"type\":\"KEY\"" : "") + "}";
  }
  std::string writers = r.query_id.empty() ? "" : "{\"id\":" + quote(r.query_id) + "}";
  return "\"sourceDescription\":{\"name\":" + quote(r.name) + ",\"type\":" + quote(r.source_type) +
         ",\"topic\":" + quote(r.topic) + ",\"keyFormat\":\"KAFKA\",\"valueFormat\":\"JSON\",\"fields\":[" +
         fields + "],\"writeQueries\":[" + writers + "]}";
}

}  // namespace

std::string render_table(const std::vector<std::string>& columns, const std::vector<std::vector<Value>>& rows) {
  std::vector<size_t> width;
  for (const std::string& c : columns) width.push_back(c.size());
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size() && i < width.size(); ++i) width[i] = std::max(width[i], text(row[i]).size());
  std::string rule = "+";
  for (size_t w : width) rule += std::string(w + 2, '-') + "+";
  rule += "\n";
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (size_t i = 0; i < width.size(); ++i) {
      std::string cell = i < cells.size() ? cells[i] : "";
      out += " " + cell + std::string(width[i] - std::min(width[i], cell.size()), ' ') + " |";
    }
    return out + "\n";
  };
  std::string out = rule + line(columns) + rule;
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    for (const Value& v : row) cells.push_back(text(v));
    out += line(cells);
  }
  return out + rule;
}

std::string render_result(const StatementResult& r) {
  if (r.kind == ResultKind::kStatus) return r.message + "\n";
  std::string out;
  if (r.kind == ResultKind::kDescription)
    out = "Name: " + r.name + " (" + r.source_type + ", topic " + r.topic + ")" +
          (r.query_id.empty() ? "" : ", written by " + r.query_id) + "\n";
  out += render_table(r.columns, r.rows);
  if (r.kind == ResultKind::kRows)
    out += std::to_string(r.rows.size()) + (r.rows.size() == 1 ? " row\n" : " rows\n");
  return out;
}

std::string to_ksql_json(const StatementResult& r) {
  switch (r.kind) {
    case ResultKind::kStatus:
      return envelope("currentStatus", r,
                      "\"commandStatus\":{\"status\":\"SUCCESS\",\"message\":" + quote(r.message) +
                          (r.query_id.empty() ? "" : ",\"queryId\":" + quote(r.query_id)) + "}");
    case ResultKind::kStreams: return envelope("streams", r, sources_json(r, false));
    case ResultKind::kTables: return envelope("tables", r, sources_json(r, true));
    case ResultKind::kQueries: return envelope("queries", r, queries_json(r));
    case ResultKind::kDescription: return envelope("sourceDescription", r, description_json(r));
    case ResultKind::kRows: {
      std::string rows = "[";
      for (size_t i = 0; i < r.rows.size(); ++i) rows += (i ? "," : "") + row_json(r.rows[i]);
      return envelope("rows", r, "\"columnNames\":" + string_array(r.columns) + ",\"rows\":" + rows + "]");
    }
  }
  return "{}";
}

std::string query_header_json(const std::string& query_id, const std::vector<std::string>& columns,
                              const std::vector<SqlType>& types) {
  std::vector<std::string> type_names;
  for (SqlType t : types) type_names.emplace_back(type_name(t));
  return "{\"queryId\":" + quote(query_id) + ",\"columnNames\":" + string_array(columns) +
         ",\"columnTypes\":" + string_array(type_names) + "}";
}

std::string row_json(const std::vector<Value>& row) {
  std::string out = "[";
  for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + row[i].to_json();
  return out + "]";
}

}  // namespace orderstream::sql
