// Internal to src/sql (never include it from outside): the recursive-descent Parser behind
// sql/parser.h. One class, split over three sources so each stays small: token helpers and the
// public entry points (parser.cpp), statements and SELECT (parser_statements.cpp), expressions
// (parser_expressions.cpp). A Parser is a local of one parse call: one thread, no shared state.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/lexer.h"

namespace orderstream::sql {

// Parses one token vector. Every Result/Status error is InvalidArgument "line L, column C: ..."
// (see parser.h). Member functions advance i_ only past tokens they consumed, so an error
// always points at the token that did not fit.
class Parser {
 public:
  // REQUIRES: `tokens` comes from tokenize(text) and ends with one kEnd token. `text` must
  // outlive the Parser: statement texts are copied out of it.
  Parser(std::string_view text, std::vector<Token> tokens) : text_(text), t_(std::move(tokens)) {}

  // Statements separated by ';', each with its source text (trailing spaces trimmed).
  Result<std::vector<Statement>> statements();

 private:
  // --- tokens (parser.cpp). peek() past the end returns the kEnd token.
  const Token& peek(size_t ahead = 0) const { return t_[std::min(i_ + ahead, t_.size() - 1)]; }
  bool is_symbol(std::string_view s, size_t ahead = 0) const;
  bool is_word(std::string_view w, size_t ahead = 0) const;  // w in upper case
  // Words that end an expression or a name (SELECT, FROM, AND, AS, ...).
  static bool is_reserved(std::string_view upper_word);
  // An unquoted identifier that is no reserved word: it may be an implicit alias.
  bool is_unreserved_ident() const;
  bool accept_word(std::string_view w);
  bool accept_symbol(std::string_view s);
  // "<pos>: <expected> but found <token>" at the current token, or at `t`.
  Status error(std::string_view expected) const { return error_at(peek(), expected); }
  static Status error_at(const Token& t, std::string_view expected);
  Status expect_word(std::string_view w);
  Status expect_symbol(std::string_view s);
  // A quoted identifier or an unreserved word, as written; `what` names it in the error.
  Result<std::string> name(std::string_view what);
  // An integer literal that fits int64_t.
  Result<int64_t> integer(std::string_view what);

  // --- statements (parser_statements.cpp)
  Result<Statement> statement();
  Status stream_or_table(Statement* st);
  Status create(Statement* st);
  Status column_def(Statement* st);
  Status properties(Statement* st);
  Result<std::shared_ptr<Select>> select();
  Result<TableRef> table_ref();
  Status window(Select* s);
  Result<int64_t> duration();  // "<n> <unit>" in ms

  // --- expressions, lowest precedence first (parser_expressions.cpp)
  using Level = Result<ExprPtr> (Parser::*)();
  // operand {op operand}, folded to the left; `ops` are the level's symbols or upper-case words.
  Result<ExprPtr> left_assoc(std::initializer_list<std::string_view> ops, Level operand);
  // op operand, where the operand is parsed by `self` (this level); no op: `next` level.
  Result<ExprPtr> prefix(std::string_view op, Level self, Level next);
  Result<ExprPtr> expr() { return or_expr(); }
  Result<ExprPtr> or_expr() { return left_assoc({"OR"}, &Parser::and_expr); }
  Result<ExprPtr> and_expr() { return left_assoc({"AND"}, &Parser::not_expr); }
  Result<ExprPtr> not_expr() { return prefix("NOT", &Parser::not_expr, &Parser::comparison); }
  Result<ExprPtr> comparison();  // = != <> < <= > >=, IS [NOT] NULL, [NOT] LIKE
  Result<ExprPtr> additive() { return left_assoc({"+", "-"}, &Parser::multiplicative); }
  Result<ExprPtr> multiplicative() { return left_assoc({"*", "/"}, &Parser::unary); }
  Result<ExprPtr> unary() { return prefix("-", &Parser::unary, &Parser::primary); }
  Result<ExprPtr> primary();
  Result<ExprPtr> identifier();  // TRUE/FALSE/NULL, a call f(...), or [qualifier.]column

  std::string_view text_;
  std::vector<Token> t_;
  size_t i_ = 0;  // index of the next unconsumed token in t_
};

}  // namespace orderstream::sql
