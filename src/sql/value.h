// SQL types and typed values with ksqlDB's NULL semantics, and their JSON text. Value types and
// pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace orderstream::sql {

// INT and BIGINT are both held as int64; INT only bounds what a column accepts.
enum class SqlType { kBigint, kInt, kDouble, kVarchar, kBoolean, kNull /* the NULL literal */ };

std::string_view type_name(SqlType t);  // "BIGINT", ...
// Parses a type name (case-insensitive); nullopt for anything else.
std::optional<SqlType> parse_type(std::string_view name);
bool is_numeric(SqlType t);

class Value {
 public:
  Value() = default;  // NULL
  static Value boolean(bool b) { return Value(b); }
  static Value integer(int64_t i) { return Value(i); }
  static Value real(double d) { return Value(d); }
  static Value string(std::string s) { return Value(std::move(s)); }

  bool is_null() const { return v_.index() == 0; }
  bool is_bool() const { return v_.index() == 1; }
  bool is_int() const { return v_.index() == 2; }
  bool is_double() const { return v_.index() == 3; }
  bool is_string() const { return v_.index() == 4; }
  bool as_bool() const { return std::get<1>(v_); }
  int64_t as_int() const { return std::get<2>(v_); }
  double as_double() const { return is_int() ? static_cast<double>(as_int()) : std::get<3>(v_); }
  const std::string& as_string() const { return std::get<4>(v_); }

  // JSON text: null, true, 42, 1.5 (shortest round-trip form), "escaped".
  std::string to_json() const;
  // Text for keys and tables: NULL prints as "null", strings unquoted.
  std::string to_text() const;
  bool operator==(const Value&) const = default;

 private:
  template <class T>
  explicit Value(T v) : v_(std::move(v)) {}
  std::variant<std::monostate, bool, int64_t, double, std::string> v_;
};

// Shortest text that reads back as the same double (always with a '.', 'e' or "null" for NaN/Inf).
std::string format_double(double d);

// Case-insensitive ASCII comparison and upper-casing of names (identifiers are case-insensitive).
bool name_equals(std::string_view a, std::string_view b);
std::string upper_name(std::string_view s);

// A value of `type` from its text form (a record key): NULL when it does not parse.
Value value_from_text(SqlType type, std::string_view text);

}  // namespace orderstream::sql

namespace orderstream::sql {

// A compact, binary-safe encoding of a list of Values (for state stores and internal topics):
// per value a tag ('N' null, 'T'/'F', 'i' int, 'd' double, 's' string) then its payload.
std::string encode_values(const std::vector<Value>& values);
// Corruption if `text` was not made by encode_values.
Result<std::vector<Value>> decode_values(std::string_view text);

}  // namespace orderstream::sql
