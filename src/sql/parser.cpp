// Entry points of sql/parser.h and the Parser's token-level helpers. The grammar itself lives in
// parser_statements.cpp and parser_expressions.cpp (class in parser_impl.h).
#include "sql/parser.h"

#include <charconv>
#include <set>
#include <string>

#include "sql/lexer.h"
#include "sql/parser_impl.h"
#include "sql/value.h"

namespace orderstream::sql {

namespace {

// Words that end an expression or a name, so they cannot be implicit aliases.
const std::set<std::string, std::less<>> kReserved = {
    "SELECT", "FROM", "WHERE", "JOIN",  "LEFT",  "INNER", "OUTER", "ON",    "WINDOW",
    "GROUP",  "BY",   "HAVING", "PARTITION", "EMIT", "LIMIT", "AND", "OR", "NOT",
    "IS",     "NULL", "LIKE",  "AS",    "TRUE",  "FALSE", "WITH",  "CREATE", "FULL"};

std::string describe(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd: return "end of input";
    case TokenKind::kString: return "string '" + t.text + "'";
    case TokenKind::kQuotedIdent: return "`" + t.text + "`";
    default: return "'" + t.text + "'";
  }
}

}  // namespace

bool Parser::is_reserved(std::string_view upper_word) { return kReserved.count(upper_word) > 0; }

bool Parser::is_symbol(std::string_view s, size_t ahead) const {
  return peek(ahead).kind == TokenKind::kSymbol && peek(ahead).text == s;
}

bool Parser::is_word(std::string_view w, size_t ahead) const {
  return peek(ahead).kind == TokenKind::kIdent && upper_name(peek(ahead).text) == w;
}

bool Parser::is_unreserved_ident() const {
  return peek().kind == TokenKind::kIdent && !is_reserved(upper_name(peek().text));
}

bool Parser::accept_word(std::string_view w) {
  if (!is_word(w)) return false;
  ++i_;
  return true;
}

bool Parser::accept_symbol(std::string_view s) {
  if (!is_symbol(s)) return false;
  ++i_;
  return true;
}

Status Parser::error_at(const Token& t, std::string_view expected) {
  return invalid_argument(t.pos.to_string() + ": " + std::string(expected) + " but found " +
                          describe(t));
}

Status Parser::expect_word(std::string_view w) {
  if (accept_word(w)) return Status::ok();
  return error("expected " + std::string(w));
}

Status Parser::expect_symbol(std::string_view s) {
  if (accept_symbol(s)) return Status::ok();
  return error("expected '" + std::string(s) + "'");
}

Result<std::string> Parser::name(std::string_view what) {
  const Token& t = peek();
  if (t.kind == TokenKind::kQuotedIdent || is_unreserved_ident()) {
    ++i_;
    return t.text;
  }
  return error("expected " + std::string(what));
}

Result<int64_t> Parser::integer(std::string_view what) {
  const Token& t = peek();
  int64_t v = 0;
  if (t.kind == TokenKind::kInteger) {
    auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (ec == std::errc() && p == t.text.data() + t.text.size()) {
      ++i_;
      return v;
    }
    return invalid_argument(t.pos.to_string() + ": integer " + t.text + " is out of range");
  }
  return error("expected " + std::string(what));
}

int64_t unit_ms(std::string_view unit) {
  std::string u = upper_name(unit);
  if (!u.empty() && u.back() == 'S') u.pop_back();
  if (u == "MILLISECOND") return 1;
  if (u == "SECOND") return 1000;
  if (u == "MINUTE") return 60 * 1000;
  if (u == "HOUR") return 3600 * 1000;
  if (u == "DAY") return 24 * 3600 * 1000LL;
  return 0;
}

Result<std::vector<Statement>> parse_statements(std::string_view text) {
  OS_ASSIGN_OR_RETURN(std::vector<Token> tokens, tokenize(text));
  return Parser(text, std::move(tokens)).statements();
}

Result<Statement> parse_statement(std::string_view text) {
  OS_ASSIGN_OR_RETURN(std::vector<Statement> all, parse_statements(text));
  if (all.empty()) return invalid_argument("no statement given");
  if (all.size() > 1)
    return invalid_argument(all[1].pos.to_string() + ": expected one statement but found " +
                            std::to_string(all.size()));
  return std::move(all[0]);
}

}  // namespace orderstream::sql
