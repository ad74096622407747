#include "services/json_reader.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace orderstream::services::json_reader {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// The schemas are flat objects; a little headroom lets `{"quantity":[1]}` be reported as a type
// error of 'quantity' while deeper nesting fails fast as "too deep".
constexpr size_t kMaxDepth = 4;

struct ThreadParser {
  simdjson::dom::parser dom;
  simdjson::ondemand::parser ondemand{kMaxJsonBytes};
  std::vector<char> padded;  // the input plus SIMDJSON_PADDING readable bytes
  bool allocated = false;
};

ThreadParser& thread_parser() {
  thread_local ThreadParser p;
  return p;
}

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// True when `s` is a JSON number without fraction or exponent.
bool is_integer_literal(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return s.size() == 1 || s[0] != '0';
}

// True when `s` follows the JSON number grammar -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?
bool is_number_literal(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i - start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  const size_t int_start = i;
  const size_t n = digits();
  if (n == 0 || (n > 1 && s[int_start] == '0')) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

// DOM parsing stops at the first number it cannot represent without saying where. Walk the
// top-level object again with the On-Demand API to name the field. Returns the generic
// message when the culprit cannot be found (e.g. the top level is not an object).
Status describe_number_error(ThreadParser& p, size_t len, std::span<const FieldSpec> specs,
                             simdjson::error_code dom_error) {
  const Status generic =
      invalid_argument(std::string("malformed JSON: ") + simdjson::error_message(dom_error));
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (p.ondemand.iterate(p.padded.data(), len, p.padded.size()).get(doc) ||
      doc.get_object().get(obj)) {
    return generic;
  }
  for (auto field_result : obj) {
    simdjson::ondemand::field field;
    std::string_view key;
    simdjson::ondemand::json_type type;
    if (std::move(field_result).get(field) || field.unescaped_key().get(key)) return generic;
    simdjson::ondemand::value value = field.value();
    if (value.type().get(type)) return generic;
    if (type != simdjson::ondemand::json_type::number) continue;
    const std::string_view raw = trim(value.raw_json_token());
    simdjson::ondemand::number n;
    if (value.get_number().get(n) == simdjson::SUCCESS) continue;
    std::string_view number_type = "a number";
    for (const FieldSpec& s : specs) {
      if (s.name == key && !s.number_type.empty()) number_type = s.number_type;
    }
    const std::string name = printable(key);
    if (!is_number_literal(raw)) {
      return invalid_argument("malformed JSON: invalid number in field '" + name + "'");
    }
    if (is_integer_literal(raw)) {
      return field_error(name, "is out of range for " + std::string(number_type));
    }
    if (number_type == "int64" || number_type == "int32") {
      return field_error(name, "must be an integer");
    }
    return field_error(name, "is not a finite number in range for " + std::string(number_type));
  }
  return generic;
}

}  // namespace

std::string printable(std::string_view s) {
  constexpr size_t kMax = 64;
  std::string out;
  for (size_t i = 0; i < s.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    out += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
  }
  if (s.size() > kMax) out += "...";
  return out;
}

Status field_error(std::string_view name, std::string_view what) {
  return invalid_argument("field '" + std::string(name) + "' " + std::string(what));
}

Result<element> parse_document(std::string_view json, std::span<const FieldSpec> specs) {
  if (json.size() > kMaxJsonBytes) {
    return invalid_argument("JSON document of " + std::to_string(json.size()) +
                            " bytes exceeds the limit of " + std::to_string(kMaxJsonBytes));
  }
  ThreadParser& p = thread_parser();
  if (!p.allocated) {
    if (p.dom.allocate(4096, kMaxDepth) != simdjson::SUCCESS) {
      return invalid_argument("malformed JSON: cannot allocate the parser");
    }
    p.allocated = true;
  }
  // simdjson reads up to SIMDJSON_PADDING bytes past the end; zero them so the bytes are defined.
  p.padded.resize(json.size() + simdjson::SIMDJSON_PADDING);
  if (!json.empty()) std::memcpy(p.padded.data(), json.data(), json.size());
  std::memset(p.padded.data() + json.size(), 0, simdjson::SIMDJSON_PADDING);
  element root;
  const simdjson::error_code err =
      p.dom.parse(reinterpret_cast<const uint8_t*>(p.padded.data()), json.size(), false).get(root);
  if (err == simdjson::NUMBER_ERROR || err == simdjson::NUMBER_OUT_OF_RANGE) {
    return describe_number_error(p, json.size(), specs, err);
  }
  if (err != simdjson::SUCCESS) {
    return invalid_argument(std::string("malformed JSON: ") + simdjson::error_message(err));
  }
  return root;
}

Status read_string(element v, std::string_view name, std::string& out) {
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) return field_error(name, "must be a string");
  out.assign(s);
  return Status::ok();
}

Status read_id(element v, std::string_view name, std::string& out) {
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) return field_error(name, "must be a string");
  OS_RETURN_IF_ERROR(check_id(name, s));
  out.assign(s);
  return Status::ok();
}

Status read_int64(element v, std::string_view name, int64_t& out) {
  switch (v.type()) {
    case element_type::INT64:
      out = v.get_int64().value_unsafe();
      return Status::ok();
    case element_type::UINT64:
      return field_error(name, "is out of range for int64");
    default:
      return field_error(name, "must be an integer");
  }
}

Status read_int32(element v, std::string_view name, int32_t& out) {
  int64_t x = 0;
  if (v.type() == element_type::UINT64) return field_error(name, "is out of range for int32");
  OS_RETURN_IF_ERROR(read_int64(v, name, x));
  if (x < std::numeric_limits<int32_t>::min() || x > std::numeric_limits<int32_t>::max()) {
    return field_error(name, "is out of range for int32");
  }
  out = static_cast<int32_t>(x);
  return Status::ok();
}

Status read_double(element v, std::string_view name, double& out) {
  double x = 0;
  switch (v.type()) {
    case element_type::INT64:
      x = static_cast<double>(v.get_int64().value_unsafe());
      break;
    case element_type::UINT64:
      x = static_cast<double>(v.get_uint64().value_unsafe());
      break;
    case element_type::DOUBLE:
      x = v.get_double().value_unsafe();
      break;
    default:
      return field_error(name, "must be a number");
  }
  // JSON cannot spell NaN or Infinity and simdjson rejects overflow, but guard the invariant.
  if (!std::isfinite(x)) return field_error(name, "must be finite");
  out = x;
  return Status::ok();
}

Status read_customer_level(element v, std::string_view name, std::string& out) {
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) return field_error(name, "must be a string");
  if (!is_customer_level(s)) {
    std::string accepted;
    for (std::string_view l : kCustomerLevels)
      accepted += (accepted.empty() ? "" : ", ") + std::string(l);
    return field_error(name,
                       "has unknown value '" + printable(s) + "' (accepted: " + accepted + ")");
  }
  out.assign(s);
  return Status::ok();
}

}  // namespace orderstream::services::json_reader
