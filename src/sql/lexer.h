// Lexer of the SQL subset: turns statement text into tokens with their line and column.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"

namespace orderstream::sql {

enum class TokenKind {
  kIdent,        // word; keywords are identifiers the parser recognises (case-insensitive)
  kQuotedIdent,  // `name` (case and reserved words kept as written)
  kString,       // 'text' ('' is a quote); text holds the unescaped value
  kInteger,      // 123
  kDecimal,      // 1.5, 2e3
  kSymbol,       // ( ) , . ; * = != <> < <= > >= + - /
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  Pos pos;
  size_t offset = 0;  // byte offset in the input
};

// Tokens of `input`, ending with one kEnd. Comments (-- to end of line) are skipped.
// InvalidArgument "line L, column C: <what>" for an unterminated string or quoted name, or a
// character that starts no token.
Result<std::vector<Token>> tokenize(std::string_view input);

}  // namespace orderstream::sql
