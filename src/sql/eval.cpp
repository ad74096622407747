#include "sql/eval.h"

#include "common/check.h"

namespace orderstream::sql {

bool is_true(const Value& v) { return v.is_bool() && v.as_bool(); }

bool like(std::string_view text, std::string_view pattern) {
  // Iterative wildcard match with backtracking to the last '%'.
  size_t t = 0, p = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '_' || pattern[p] == text[t])) {
      ++t;
      ++p;
    } else if (p < pattern.size() && pattern[p] == '%') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

int compare(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int();
  if ((a.is_int() || a.is_double()) && (b.is_int() || b.is_double())) {
    double x = a.as_double(), y = b.as_double();
    return x < y ? -1 : x > y;
  }
  if (a.is_string() && b.is_string()) return a.as_string().compare(b.as_string()) < 0 ? -1 : a.as_string() != b.as_string();
  if (a.is_bool() && b.is_bool()) return static_cast<int>(a.as_bool()) - static_cast<int>(b.as_bool());
  return 2;  // incomparable (the binder rejects such expressions; runtime values may still differ)
}

namespace {

Value arithmetic(const std::string& op, const Value& a, const Value& b) {
  if (op == "+" && a.is_string() && b.is_string()) return Value::string(a.as_string() + b.as_string());
  bool ints = a.is_int() && b.is_int();
  if (!(a.is_int() || a.is_double()) || !(b.is_int() || b.is_double())) return {};
  if (ints) {
    int64_t x = a.as_int(), y = b.as_int(), r = 0;
    switch (op[0]) {
      case '+': if (__builtin_add_overflow(x, y, &r)) return {}; return Value::integer(r);
      case '-': if (__builtin_sub_overflow(x, y, &r)) return {}; return Value::integer(r);
      case '*': if (__builtin_mul_overflow(x, y, &r)) return {}; return Value::integer(r);
      default:
        if (y == 0 || (x == INT64_MIN && y == -1)) return {};
        return Value::integer(x / y);
    }
  }
  double x = a.as_double(), y = b.as_double();
  switch (op[0]) {
    case '+': return Value::real(x + y);
    case '-': return Value::real(x - y);
    case '*': return Value::real(x * y);
    default: return y == 0 ? Value() : Value::real(x / y);
  }
}

Value logical(const std::string& op, const Expr& e, const EvalInput& in) {
  Value a = eval(*e.args[0], in);
  bool is_and = op == "AND";
  // Short circuit: FALSE AND x = FALSE, TRUE OR x = TRUE, whatever x is (even NULL).
  if (a.is_bool() && a.as_bool() != is_and) return a;
  Value b = eval(*e.args[1], in);
  if (b.is_bool() && b.as_bool() != is_and) return b;
  if (a.is_null() || b.is_null()) return {};
  return Value::boolean(is_and);
}

}  // namespace

Value eval(const Expr& e, const EvalInput& in) {
  switch (e.kind) {
    case ExprKind::kLiteral:
      return e.literal;
    case ExprKind::kColumn:
      OS_CHECK(e.slot >= 0 && static_cast<size_t>(e.slot) < in.row.size());
      return in.row[e.slot];
    case ExprKind::kCall:
      OS_CHECK(in.aggregates && e.slot >= 0 && static_cast<size_t>(e.slot) < in.aggregates->size());
      return (*in.aggregates)[e.slot];
    case ExprKind::kUnary: {
      Value a = eval(*e.args[0], in);
      if (a.is_null()) return a;
      if (e.op == "NOT") return a.is_bool() ? Value::boolean(!a.as_bool()) : Value();
      if (a.is_int()) return a.as_int() == INT64_MIN ? Value() : Value::integer(-a.as_int());
      return a.is_double() ? Value::real(-a.as_double()) : Value();
    }
    case ExprKind::kIsNull: {
      bool null = eval(*e.args[0], in).is_null();
      return Value::boolean(null != e.negated);
    }
    case ExprKind::kLike: {
      Value a = eval(*e.args[0], in), p = eval(*e.args[1], in);
      if (!a.is_string() || !p.is_string()) return {};
      return Value::boolean(like(a.as_string(), p.as_string()) != e.negated);
    }
    case ExprKind::kBinary:
      break;
  }
  const std::string& op = e.op;
  if (op == "AND" || op == "OR") return logical(op, e, in);
  Value a = eval(*e.args[0], in), b = eval(*e.args[1], in);
  if (a.is_null() || b.is_null()) return {};
  if (op == "+" || op == "-" || op == "*" || op == "/") return arithmetic(op, a, b);
  int c = compare(a, b);
  if (c == 2) return {};
  if (op == "=") return Value::boolean(c == 0);
  if (op == "!=") return Value::boolean(c != 0);
  if (op == "<") return Value::boolean(c < 0);
  if (op == "<=") return Value::boolean(c <= 0);
  if (op == ">") return Value::boolean(c > 0);
  return Value::boolean(c >= 0);
}

}  // namespace orderstream::sql
