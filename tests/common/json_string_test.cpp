#include "common/json_string.h"

#include <doctest/doctest.h>

#include <string>

namespace orderstream {
namespace {

std::string quoted(std::string_view s, NonUtf8 non_utf8 = NonUtf8::kReplace) {
  std::string out = "x";  // appends: what is there stays
  append_json_string(out, s, non_utf8);
  return out.substr(1);
}

TEST_CASE("JSON strings escape quotes, backslashes and control characters, short forms first") {
  CHECK(quoted("plain") == "\"plain\"");
  CHECK(quoted("") == "\"\"");
  CHECK(quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(quoted("\b\f\n\r\t") == "\"\\b\\f\\n\\r\\t\"");
  CHECK(quoted(std::string("\0\x01\x1f", 3)) == "\"\\u0000\\u0001\\u001f\"");
  CHECK(quoted("\x7f/") == "\"\x7f/\"");  // JSON needs no escape for DEL or '/'
}

TEST_CASE("JSON strings copy valid UTF-8 and mark each other byte as the writer chose") {
  const std::string valid = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
  CHECK(quoted(valid) == "\"" + valid + "\"");
  CHECK(quoted(valid, NonUtf8::kLatin1) == "\"" + valid + "\"");
  const std::string bad = "\xff a\xc3 \xc0\xaf \xed\xa0\x80";  // stray, truncated, overlong, surrogate
  CHECK(quoted(bad) ==
        "\"\xEF\xBF\xBD a\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  CHECK(quoted(bad, NonUtf8::kLatin1) ==
        "\"\\u00ff a\\u00c3 \\u00c0\\u00af \\u00ed\\u00a0\\u0080\"");
}

TEST_CASE("escaping without quotes is the inside of the quoted form") {
  std::string out;
  append_json_escaped(out, "a\"\n\xff");
  CHECK(out == "a\\\"\\n\xEF\xBF\xBD");
}

}  // namespace
}  // namespace orderstream
