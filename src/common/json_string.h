// JSON string literals, written the same way by every writer (HTTP bodies, canonical records,
// SQL rows, CLI output). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace orderstream {

// What a writer puts in place of a byte that is not part of valid UTF-8 (JSON text must be
// UTF-8, RFC 8259 section 8.1).
enum class NonUtf8 {
  kReplace,  // U+FFFD: the output reads as text; the byte's value is lost.
  kLatin1,   // \u00XX: the byte's value stays readable (the CLI's view of raw record bytes).
};

// Appends `s` without the quotes: '"' and '\\' escaped, \b \f \n \r \t in their short form, other
// control characters as \u00XX, valid UTF-8 copied, and each other byte as `non_utf8` says.
void append_json_escaped(std::string& out, std::string_view s,
                         NonUtf8 non_utf8 = NonUtf8::kReplace);
// Appends `s` quoted, escaped as above.
void append_json_string(std::string& out, std::string_view s,
                        NonUtf8 non_utf8 = NonUtf8::kReplace);

}  // namespace orderstream
