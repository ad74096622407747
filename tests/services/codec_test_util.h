// Helpers shared by the JSON codec tests. Header-only; doctest assertions.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "services/json_codec.h"

namespace orderstream::services::testing {

inline constexpr const char* kOrderJson =
    R"({"id":"o-1","customerId":42,"state":"CREATED","product":"JUMPERS","quantity":3,"price":1.5})";

// The decode must fail with InvalidArgument whose message carries `needle` (usually the field).
template <class T>
void check_rejected(const Result<T>& r, std::string_view needle) {
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK_MESSAGE(r.status().message().find(needle) != std::string::npos, r.status().message());
}

template <class T>
const T& check_ok(const Result<T>& r) {
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  return r.value();
}

// The REST decoder (product required).
inline Result<Order> order(std::string_view json) { return order_from_json(json, false); }

// kOrderJson with `field`'s raw JSON value replaced by `value`, or the field removed when
// `value` is empty.
inline std::string order_with(std::string_view field, std::string_view value) {
  std::string s = kOrderJson;
  const std::string key = "\"" + std::string(field) + "\":";
  const size_t at = s.find(key);
  REQUIRE(at != std::string::npos);
  size_t end = s.find_first_of(",}", at + key.size());
  if (value.empty()) {
    if (s[end] == ',') ++end;
    s.erase(at, end - at);
    if (s[s.size() - 2] == ',') s.erase(s.size() - 2, 1);
  } else {
    s.replace(at + key.size(), end - at - key.size(), value);
  }
  return s;
}

}  // namespace orderstream::services::testing
