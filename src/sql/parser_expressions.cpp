// Expression grammar of the Parser (parser_impl.h), one function per precedence level, lowest
// first: OR, AND, NOT, comparison (also IS [NOT] NULL and [NOT] LIKE), + -, * /, unary -,
// primary. Binary operators associate to the left; comparisons do not chain.
#include "sql/parser_impl.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "sql/value.h"

namespace orderstream::sql {

namespace {

ExprPtr make(ExprKind kind, Pos pos) {
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->pos = pos;
  return e;
}

ExprPtr binary(std::string op, Pos pos, ExprPtr a, ExprPtr b) {
  ExprPtr e = make(ExprKind::kBinary, pos);
  e->op = std::move(op);
  e->args = {std::move(a), std::move(b)};
  return e;
}

}  // namespace

// One loop for every binary level (OR, AND, + -, * /). An operator is tried as a symbol and as a
// word: no token is both, so that is safe. A word is stored upper-case ("OR") however written.
Result<ExprPtr> Parser::left_assoc(std::initializer_list<std::string_view> ops, Level operand) {
  OS_ASSIGN_OR_RETURN(ExprPtr left, (this->*operand)());
  while (true) {
    auto op = std::find_if(ops.begin(), ops.end(),
                           [&](std::string_view o) { return is_symbol(o) || is_word(o); });
    if (op == ops.end()) return left;
    Pos pos = t_[i_++].pos;
    OS_ASSIGN_OR_RETURN(ExprPtr right, (this->*operand)());
    left = binary(std::string(*op), pos, std::move(left), std::move(right));
  }
}

// Both prefix levels (NOT, unary -): the operator binds to an operand of its own level, so
// "NOT NOT x" and "- -1" nest.
Result<ExprPtr> Parser::prefix(std::string_view op, Level self, Level next) {
  if (!is_symbol(op) && !is_word(op)) return (this->*next)();
  ExprPtr e = make(ExprKind::kUnary, t_[i_++].pos);
  e->op = std::string(op);
  OS_ASSIGN_OR_RETURN(ExprPtr arg, (this->*self)());
  e->args = {std::move(arg)};
  return e;
}

Result<ExprPtr> Parser::comparison() {
  OS_ASSIGN_OR_RETURN(ExprPtr left, additive());
  static constexpr std::string_view kOps[] = {"=", "!=", "<>", "<", "<=", ">", ">="};
  for (std::string_view op : kOps) {
    if (is_symbol(op)) {
      Pos pos = t_[i_++].pos;
      OS_ASSIGN_OR_RETURN(ExprPtr right, additive());
      // One spelling of "not equal" in the AST, so binder and eval need not know both.
      return binary(op == "<>" ? "!=" : std::string(op), pos, std::move(left), std::move(right));
    }
  }
  if (is_word("IS")) {
    ExprPtr e = make(ExprKind::kIsNull, t_[i_++].pos);
    e->negated = accept_word("NOT");
    OS_RETURN_IF_ERROR(expect_word("NULL"));
    e->args = {std::move(left)};
    return e;
  }
  // NOT here is the "x NOT LIKE p" form; a leading NOT was taken by not_expr.
  if (is_word("LIKE") || (is_word("NOT") && is_word("LIKE", 1))) {
    ExprPtr e = make(ExprKind::kLike, peek().pos);
    e->negated = accept_word("NOT");
    ++i_;
    OS_ASSIGN_OR_RETURN(ExprPtr pattern, additive());
    e->args = {std::move(left), std::move(pattern)};
    return e;
  }
  return left;
}

Result<ExprPtr> Parser::primary() {
  const Token& t = peek();
  if (accept_symbol("(")) {
    OS_ASSIGN_OR_RETURN(ExprPtr e, expr());
    OS_RETURN_IF_ERROR(expect_symbol(")"));
    return e;
  }
  ExprPtr e = make(ExprKind::kLiteral, t.pos);
  switch (t.kind) {
    case TokenKind::kString:
      ++i_;
      e->literal = Value::string(t.text);
      return e;
    case TokenKind::kInteger: {
      OS_ASSIGN_OR_RETURN(int64_t v, integer("a number"));
      e->literal = Value::integer(v);
      return e;
    }
    case TokenKind::kDecimal: {
      double v = 0;
      auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
      // Out of range leaves v at 0: say so rather than compute with a silently wrong number.
      if (ec != std::errc() || end != t.text.data() + t.text.size())
        return invalid_argument(t.pos.to_string() + ": number " + t.text + " is out of range");
      ++i_;
      e->literal = Value::real(v);
      return e;
    }
    case TokenKind::kIdent:
    case TokenKind::kQuotedIdent:
      return identifier();
    default:
      return error("expected an expression");
  }
}

Result<ExprPtr> Parser::identifier() {
  const Token& t = peek();
  std::string word = upper_name(t.text);
  // Only unquoted words can be keywords or calls: `true` or `count` quoted is a column.
  if (t.kind == TokenKind::kIdent) {
    if (word == "TRUE" || word == "FALSE" || word == "NULL") {
      ++i_;
      ExprPtr e = make(ExprKind::kLiteral, t.pos);
      if (word != "NULL") e->literal = Value::boolean(word == "TRUE");
      return e;
    }
    if (is_symbol("(", 1)) {
      i_ += 2;
      ExprPtr e = make(ExprKind::kCall, t.pos);
      e->name = word;
      if (accept_symbol("*")) {
        e->star = true;
      } else if (!is_symbol(")")) {
        do {
          OS_ASSIGN_OR_RETURN(ExprPtr arg, expr());
          e->args.push_back(std::move(arg));
        } while (accept_symbol(","));
      }
      OS_RETURN_IF_ERROR(expect_symbol(")"));
      return e;
    }
    if (is_reserved(word)) return error("expected an expression");
  }
  ExprPtr e = make(ExprKind::kColumn, t.pos);
  e->name = t_[i_++].text;
  if (accept_symbol(".")) {
    e->qualifier = std::move(e->name);
    OS_ASSIGN_OR_RETURN(e->name, name("a column name"));
  }
  return e;
}

}  // namespace orderstream::sql
