// Internal to the JSON codec: strict reading of one flat JSON object with simdjson's DOM API.
// Thread-safe: each thread parses with its own thread_local parser. A parsed element stays valid
// only until the calling thread parses again.
#pragma once

#include "common/check.h"
#include "common/status.h"
#include "services/json_codec.h"
#include "services/model.h"

#include <simdjson.h>

#include <array>
#include <span>
#include <string>
#include <string_view>

namespace orderstream::services::json_reader {

struct FieldSpec {
  std::string_view name;
  bool required;
  // For numeric fields, what the number must fit ("int64", "int32", "double"); "" otherwise.
  // Only used to word errors about numbers simdjson cannot represent.
  std::string_view number_type = {};
};

// Parses `json` (any bytes, copied) into the thread's parser. Errors: InvalidArgument
// "malformed JSON: ..." (naming the field when a number is out of range), or too long.
// The element is valid until this thread's next parse.
Result<simdjson::dom::element> parse_document(std::string_view json,
                                              std::span<const FieldSpec> specs);

// Parses a top-level object and calls on_field(index into specs, value) once per field in
// document order. Rejects a non-object, unknown and duplicate keys, and (after the walk) missing
// required fields. The first non-OK Status from on_field is returned as is.
// REQUIRES: on_field does not parse JSON on this thread (that would invalidate the walk).
template <class OnField>
Status walk_object(std::string_view json, std::span<const FieldSpec> specs, OnField&& on_field);

// Readers for one field value; `name` is the field's name for error messages. On success they
// copy the value into `out`; on error `out` may be changed.
Status read_string(simdjson::dom::element v, std::string_view name, std::string& out);
Status read_id(simdjson::dom::element v, std::string_view name, std::string& out);
Status read_int64(simdjson::dom::element v, std::string_view name, int64_t& out);
Status read_int32(simdjson::dom::element v, std::string_view name, int32_t& out);
Status read_double(simdjson::dom::element v, std::string_view name, double& out);  // finite
Status read_customer_level(simdjson::dom::element v, std::string_view name, std::string& out);

// An enum field: the string must be one of the wire names of `all`.
template <class E, size_t N>
Status read_enum(simdjson::dom::element v, std::string_view name, const std::array<E, N>& all,
                 E& out);

// User text made safe to quote in a message: at most 64 bytes, non-printable bytes as '?'.
std::string printable(std::string_view s);
Status field_error(std::string_view name, std::string_view what);  // "field 'name' <what>"

// ---- template definitions ----

template <class OnField>
Status walk_object(std::string_view json, std::span<const FieldSpec> specs, OnField&& on_field) {
  OS_ASSIGN_OR_RETURN(simdjson::dom::element root, parse_document(json, specs));
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return invalid_argument("top-level JSON value must be an object");
  }
  static constexpr size_t kMaxFields = 32;
  OS_CHECK(specs.size() <= kMaxFields);
  std::array<bool, kMaxFields> seen{};
  for (simdjson::dom::key_value_pair field : obj) {
    size_t i = 0;
    while (i < specs.size() && specs[i].name != field.key) ++i;
    if (i == specs.size()) return invalid_argument("unknown field '" + printable(field.key) + "'");
    if (seen[i]) return invalid_argument("duplicate field '" + std::string(specs[i].name) + "'");
    seen[i] = true;
    OS_RETURN_IF_ERROR(on_field(i, field.value));
  }
  for (size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].required && !seen[i]) {
      return invalid_argument("missing required field '" + std::string(specs[i].name) + "'");
    }
  }
  return Status::ok();
}

template <class E, size_t N>
Status read_enum(simdjson::dom::element v, std::string_view name, const std::array<E, N>& all,
                 E& out) {
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) return field_error(name, "must be a string");
  std::string accepted;
  for (E e : all) {
    if (to_string(e) == s) {
      out = e;
      return Status::ok();
    }
    if (!accepted.empty()) accepted += ", ";
    accepted += to_string(e);
  }
  return field_error(name, "has unknown value '" + printable(s) + "' (accepted: " + accepted + ")");
}

}  // namespace orderstream::services::json_reader
