#include "common/json_string.h"

#include "common/utf8.h"

namespace orderstream {
namespace {

void append_u00(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u00";
  out += kHex[c >> 4];
  out += kHex[c & 0xF];
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view s, NonUtf8 non_utf8) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      if (size_t n = utf8_sequence_length(s, i); n > 0) {
        out.append(s.substr(i, n));
        i += n;
        continue;
      }
      if (non_utf8 == NonUtf8::kLatin1) append_u00(out, c);
      else out += kUtf8Replacement;
      ++i;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) append_u00(out, c);
        else out += static_cast<char>(c);
    }
    ++i;
  }
}

void append_json_string(std::string& out, std::string_view s, NonUtf8 non_utf8) {
  out += '"';
  append_json_escaped(out, s, non_utf8);
  out += '"';
}

}  // namespace orderstream
