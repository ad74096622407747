#include "sql/row_codec.h"

#include "common/json_string.h"

#include <simdjson.h>

#include "sql/binder.h"

namespace orderstream::sql {

namespace {

Value from_json(SqlType type, simdjson::dom::element v) {
  using simdjson::dom::element_type;
  switch (v.type()) {
    case element_type::NULL_VALUE:
      return {};
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: {
      if (type == SqlType::kDouble) return Value::real(double(v.get_double().value_unsafe()));
      if (type == SqlType::kBigint || type == SqlType::kInt) {
        int64_t i = 0;
        if (v.get_int64().get(i) != simdjson::SUCCESS) return {};
        if (type == SqlType::kInt && (i < INT32_MIN || i > INT32_MAX)) return {};
        return Value::integer(i);
      }
      if (type == SqlType::kVarchar) return Value::string(simdjson::minify(v));
      return {};
    }
    case element_type::STRING: {
      std::string_view s = v.get_string().value_unsafe();
      return type == SqlType::kVarchar ? Value::string(std::string(s)) : Value();
    }
    case element_type::BOOL:
      if (type == SqlType::kBoolean) return Value::boolean(v.get_bool().value_unsafe());
      return type == SqlType::kVarchar ? Value::string(v.get_bool().value_unsafe() ? "true" : "false") : Value();
    default:  // nested arrays and objects only fit VARCHAR, as their JSON text
      return type == SqlType::kVarchar ? Value::string(simdjson::minify(v)) : Value();
  }
}

}  // namespace

Status decode_row(const std::vector<ColumnDef>& columns, std::optional<std::string_view> key,
                  std::optional<std::string_view> value, int64_t timestamp_ms,
                  std::vector<Value>* row, size_t offset) {
  std::vector<Value>& out = *row;
  for (size_t i = 0; i < columns.size(); ++i) {
    out[offset + i] = columns[i].key && key ? value_from_text(columns[i].type, *key) : Value();
  }
  out[offset + columns.size()] = Value::integer(timestamp_ms);
  if (!value) return Status::ok();
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(value->data(), value->size()).get(doc); err != simdjson::SUCCESS)
    return invalid_argument(std::string("malformed JSON: ") + simdjson::error_message(err));
  simdjson::dom::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) {
    size_t non_key = 0, index = 0;
    for (size_t i = 0; i < columns.size(); ++i)
      if (!columns[i].key) ++non_key, index = i;
    if (non_key != 1) return invalid_argument("record value is not a JSON object");
    out[offset + index] = from_json(columns[index].type, doc);
    return Status::ok();
  }
  for (auto field : obj) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].key || !name_equals(columns[i].name, field.key)) continue;
      out[offset + i] = from_json(columns[i].type, field.value);
      break;
    }
  }
  return Status::ok();
}

std::string encode_row(const std::vector<std::string>& names, const std::vector<Value>& values) {
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, names[i]);
    out.push_back(':');
    out += values[i].to_json();
  }
  out.push_back('}');
  return out;
}

}  // namespace orderstream::sql
