#include "sql/binder.h"

#include <cctype>

namespace orderstream::sql {

std::string default_column_name(const Expr& e, size_t index) {
  if (e.kind == ExprKind::kColumn) return e.name;
  return "KSQL_COL_" + std::to_string(index);
}

int Scope::add_source(std::string name, std::string alias, const std::vector<ColumnDef>& columns) {
  int offset = width_;
  for (const ColumnDef& c : columns) entries_.push_back({name, alias, c, width_++});
  ColumnDef rowtime{"ROWTIME", SqlType::kBigint, false, {}};
  entries_.push_back({name, alias, rowtime, width_++});
  return offset;
}

int Scope::add_pseudo(std::string name, SqlType type) {
  entries_.push_back({"", "", ColumnDef{std::move(name), type, false, {}}, width_});
  return width_++;
}

Status Scope::resolve(Expr& e) const {
  const Entry* found = nullptr;
  bool qualifier_known = e.qualifier.empty();
  for (const Entry& en : entries_) {
    if (!e.qualifier.empty()) {
      bool match = en.alias.empty() ? name_equals(en.source, e.qualifier)
                                    : name_equals(en.alias, e.qualifier);
      if (!match) continue;
      qualifier_known = true;
    }
    if (!name_equals(en.column.name, e.name)) continue;
    // An unqualified ROWTIME means the first (driving) source's.
    if (found && !(e.qualifier.empty() && name_equals(e.name, "ROWTIME")))
      return invalid_argument(e.pos.to_string() + ": column '" + e.name +
                              "' is ambiguous; qualify it with a source name or alias");
    if (!found) found = &en;
  }
  std::string full = e.qualifier.empty() ? e.name : e.qualifier + "." + e.name;
  if (!qualifier_known)
    return invalid_argument(e.pos.to_string() + ": unknown source or alias '" + e.qualifier + "'");
  if (!found) return invalid_argument(e.pos.to_string() + ": unknown column '" + full + "'");
  e.slot = found->slot;
  e.type = found->column.type;
  return Status::ok();
}

namespace {

Status type_error(const Expr& e, std::string what) {
  return invalid_argument(e.pos.to_string() + ": " + what);
}

bool comparable(SqlType a, SqlType b) {
  if (a == SqlType::kNull || b == SqlType::kNull) return true;
  if (is_numeric(a) && is_numeric(b)) return true;
  return a == b;
}

Status bind_binary(Expr& e) {
  SqlType a = e.args[0]->type, b = e.args[1]->type;
  const std::string& op = e.op;
  if (op == "AND" || op == "OR") {
    for (const ExprPtr& arg : e.args)
      if (arg->type != SqlType::kBoolean && arg->type != SqlType::kNull)
        return type_error(*arg, op + " needs BOOLEAN operands, not " + std::string(type_name(arg->type)));
    e.type = SqlType::kBoolean;
    return Status::ok();
  }
  if (op == "=" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
    if (!comparable(a, b))
      return type_error(e, "cannot compare " + std::string(type_name(a)) + " with " +
                               std::string(type_name(b)));
    e.type = SqlType::kBoolean;
    return Status::ok();
  }
  if (op == "+" && (a == SqlType::kVarchar || b == SqlType::kVarchar) &&
      (a == SqlType::kVarchar || a == SqlType::kNull) && (b == SqlType::kVarchar || b == SqlType::kNull)) {
    e.type = SqlType::kVarchar;  // string concatenation
    return Status::ok();
  }
  for (const ExprPtr& arg : e.args)
    if (!is_numeric(arg->type) && arg->type != SqlType::kNull)
      return type_error(*arg, "operator " + op + " needs numbers, not " + std::string(type_name(arg->type)));
  e.type = (a == SqlType::kDouble || b == SqlType::kDouble) ? SqlType::kDouble : SqlType::kBigint;
  return Status::ok();
}

Status bind_call(Expr& e, const Scope& scope, const BindOptions& options) {
  if (e.name != "COUNT" && e.name != "SUM")
    return type_error(e, "unknown function " + e.name + " (supported: COUNT, SUM)");
  if (!options.aggregates)
    return type_error(e, e.name + " is only allowed in the SELECT list or HAVING of a GROUP BY query");
  if (e.star && e.name != "COUNT") return type_error(e, e.name + "(*) is not allowed");
  if (!e.star && e.args.size() != 1) return type_error(e, e.name + " takes one argument");
  if (!e.star) {
    BindOptions inner;  // no aggregates inside aggregates
    OS_RETURN_IF_ERROR(bind_expr(e.args[0], scope, inner));
  }
  if (e.name == "COUNT") {
    e.type = SqlType::kBigint;
  } else {
    SqlType t = e.args[0]->type;
    if (!is_numeric(t)) return type_error(*e.args[0], "SUM needs a number, not " + std::string(type_name(t)));
    e.type = t == SqlType::kDouble ? SqlType::kDouble : SqlType::kBigint;
  }
  e.slot = static_cast<int>(options.aggregates->size());
  options.aggregates->push_back(&e);
  return Status::ok();
}

}  // namespace

Status bind_expr(const ExprPtr& ep, const Scope& scope, const BindOptions& options) {
  Expr& e = *ep;
  switch (e.kind) {
    case ExprKind::kLiteral: {
      const Value& v = e.literal;
      e.type = v.is_null()     ? SqlType::kNull
               : v.is_bool()   ? SqlType::kBoolean
               : v.is_int()    ? SqlType::kBigint
               : v.is_double() ? SqlType::kDouble
                               : SqlType::kVarchar;
      return Status::ok();
    }
    case ExprKind::kColumn:
      return scope.resolve(e);
    case ExprKind::kCall:
      return bind_call(e, scope, options);
    default:
      break;
  }
  for (const ExprPtr& arg : e.args) OS_RETURN_IF_ERROR(bind_expr(arg, scope, options));
  switch (e.kind) {
    case ExprKind::kUnary: {
      SqlType t = e.args[0]->type;
      if (e.op == "NOT") {
        if (t != SqlType::kBoolean && t != SqlType::kNull)
          return type_error(e, "NOT needs a BOOLEAN, not " + std::string(type_name(t)));
        e.type = SqlType::kBoolean;
      } else {
        if (!is_numeric(t) && t != SqlType::kNull)
          return type_error(e, "unary minus needs a number, not " + std::string(type_name(t)));
        e.type = t == SqlType::kInt ? SqlType::kBigint : t;
      }
      return Status::ok();
    }
    case ExprKind::kBinary:
      return bind_binary(e);
    case ExprKind::kIsNull:
      e.type = SqlType::kBoolean;
      return Status::ok();
    case ExprKind::kLike:
      for (const ExprPtr& arg : e.args)
        if (arg->type != SqlType::kVarchar && arg->type != SqlType::kNull)
          return type_error(*arg, "LIKE needs VARCHAR operands, not " + std::string(type_name(arg->type)));
      e.type = SqlType::kBoolean;
      return Status::ok();
    default:
      return Status::ok();
  }
}

}  // namespace orderstream::sql
