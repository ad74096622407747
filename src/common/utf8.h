// UTF-8 validation one sequence at a time, for writers that must emit valid UTF-8 (JSON) from
// bytes they did not check. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace orderstream {

// Length (1..4) of the valid UTF-8 sequence starting at s[i], or 0 if there is none (overlong
// forms, surrogates and code points above U+10FFFF are invalid, as in RFC 3629).
// REQUIRES: i < s.size().
inline size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
  }
  return n;
}

// The UTF-8 encoding of U+FFFD, which writers put in place of each invalid byte.
inline constexpr std::string_view kUtf8Replacement = "\xEF\xBF\xBD";

}  // namespace orderstream
