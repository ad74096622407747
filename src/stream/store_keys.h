// Key layouts for the stream layer's time-indexed stores: byte order equals (key, time) order,
// so a store scan is a range query. Header-only, pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "log/coding.h"

namespace orderstream::stream::keys {

// A length prefix keeps one key's entries contiguous even when keys are prefixes of each other.
inline std::string prefix(std::string_view key) {
  std::string out;
  log::encode_fixed32_be(&out, static_cast<uint32_t>(key.size()));
  out.append(key);
  return out;
}

// The smallest key greater than every key that starts with `p` ("" = no bound: p is all 0xff).
inline std::string prefix_end(std::string p) {
  while (!p.empty() && static_cast<unsigned char>(p.back()) == 0xff) p.pop_back();
  if (!p.empty()) p.back() = static_cast<char>(static_cast<unsigned char>(p.back()) + 1);
  return p;
}

// Event times may be negative: flipping the sign bit makes big-endian byte order numeric order.
inline void append_time(std::string* out, int64_t ts) {
  char b[8];
  log::encode_fixed64_be(b, static_cast<uint64_t>(ts) ^ (uint64_t{1} << 63));
  out->append(b, 8);
}
inline int64_t read_time(const char* p) {
  return static_cast<int64_t>(log::decode_fixed64_be(p) ^ (uint64_t{1} << 63));
}

}  // namespace orderstream::stream::keys
