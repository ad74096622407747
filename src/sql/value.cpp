#include "sql/value.h"

#include "common/json_string.h"

#include <array>
#include <charconv>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace orderstream::sql {

namespace {
constexpr std::array<std::pair<SqlType, std::string_view>, 7> kTypeNames{{
    {SqlType::kBigint, "BIGINT"},
    {SqlType::kInt, "INT"},
    {SqlType::kInt, "INTEGER"},
    {SqlType::kDouble, "DOUBLE"},
    {SqlType::kVarchar, "VARCHAR"},
    {SqlType::kVarchar, "STRING"},
    {SqlType::kBoolean, "BOOLEAN"},
}};

}  // namespace

bool name_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string upper_name(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view type_name(SqlType t) {
  if (t == SqlType::kNull) return "NULL";
  for (const auto& [type, name] : kTypeNames)
    if (type == t) return name;
  return "?";
}

std::optional<SqlType> parse_type(std::string_view name) {
  for (const auto& [type, n] : kTypeNames)
    if (name_equals(n, name)) return type;
  return std::nullopt;
}

bool is_numeric(SqlType t) {
  return t == SqlType::kBigint || t == SqlType::kInt || t == SqlType::kDouble;
}

std::string format_double(double d) {
  if (!std::isfinite(d)) return "null";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  std::string s(buf, end);
  // Keep it a double in JSON readers that type by text ("2" would read back as an integer).
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string Value::to_json() const {
  if (is_null()) return "null";
  if (is_bool()) return as_bool() ? "true" : "false";
  if (is_int()) return std::to_string(as_int());
  if (is_double()) return format_double(as_double());
  std::string out;
  append_json_string(out, as_string());
  return out;
}

std::string Value::to_text() const {
  if (is_string()) return as_string();
  return to_json();
}

Value value_from_text(SqlType type, std::string_view text) {
  switch (type) {
    case SqlType::kBigint:
    case SqlType::kInt: {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || p != text.data() + text.size()) return {};
      if (type == SqlType::kInt && (v < INT32_MIN || v > INT32_MAX)) return {};
      return Value::integer(v);
    }
    case SqlType::kDouble: {
      double v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || p != text.data() + text.size()) return {};
      return Value::real(v);
    }
    case SqlType::kVarchar:
      return Value::string(std::string(text));
    case SqlType::kBoolean:
      if (name_equals(text, "true")) return Value::boolean(true);
      if (name_equals(text, "false")) return Value::boolean(false);
      return {};
    case SqlType::kNull:
      return {};
  }
  return {};
}

}  // namespace orderstream::sql

namespace orderstream::sql {

std::string encode_values(const std::vector<Value>& values) {
  std::string out;
  for (const Value& v : values) {
    if (v.is_null()) {
      out += 'N';
    } else if (v.is_bool()) {
      out += v.as_bool() ? 'T' : 'F';
    } else if (v.is_int()) {
      out += 'i' + std::to_string(v.as_int()) + ';';
    } else if (v.is_double()) {
      char buf[40];
      std::snprintf(buf, sizeof(buf), "d%.17g;", v.as_double());  // %.17g round-trips exactly
      out += buf;
    } else {
      out += 's' + std::to_string(v.as_string().size()) + ':' + v.as_string();
    }
  }
  return out;
}

Result<std::vector<Value>> decode_values(std::string_view text) {
  std::vector<Value> out;
  size_t i = 0;
  auto bad = [&] { return corruption("malformed encoded values at byte " + std::to_string(i)); };
  while (i < text.size()) {
    char tag = text[i++];
    if (tag == 'N' || tag == 'T' || tag == 'F') {
      out.push_back(tag == 'N' ? Value() : Value::boolean(tag == 'T'));
      continue;
    }
    size_t end = text.find(tag == 's' ? ':' : ';', i);
    if (end == std::string_view::npos) return bad();
    std::string_view num = text.substr(i, end - i);
    if (tag == 'i' || tag == 'd') {
      Value v = value_from_text(tag == 'i' ? SqlType::kBigint : SqlType::kDouble, num);
      if (v.is_null()) return bad();
      out.push_back(std::move(v));
      i = end + 1;
    } else if (tag == 's') {
      Value len = value_from_text(SqlType::kBigint, num);
      if (len.is_null() || len.as_int() < 0 || end + 1 + static_cast<size_t>(len.as_int()) > text.size())
        return bad();
      out.push_back(Value::string(std::string(text.substr(end + 1, len.as_int()))));
      i = end + 1 + len.as_int();
    } else {
      return bad();
    }
  }
  return out;
}

}  // namespace orderstream::sql
