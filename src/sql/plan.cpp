#include "sql/plan.h"

#include "sql/binder.h"

namespace orderstream::sql {

namespace {

Status at(const Pos& pos, const std::string& what) { return invalid_argument(pos.to_string() + ": " + what); }

bool contains_aggregate(const Expr& e) {
  if (e.kind == ExprKind::kCall) return true;
  for (const ExprPtr& a : e.args)
    if (contains_aggregate(*a)) return true;
  return false;
}

// Every column outside an aggregate must be a GROUP BY column (or a window bound).
Status check_grouped(const Expr& e, const SelectPlan& p) {
  if (e.kind == ExprKind::kCall) return Status::ok();
  if (e.kind == ExprKind::kColumn) {
    if (e.slot == p.window_start_slot || e.slot == p.window_end_slot) return Status::ok();
    for (const ExprPtr& g : p.group_by)
      if (g->slot == e.slot) return Status::ok();
    return at(e.pos, "column '" + e.name + "' must be in GROUP BY or inside an aggregate");
  }
  for (const ExprPtr& a : e.args) OS_RETURN_IF_ERROR(check_grouped(*a, p));
  return Status::ok();
}

// True if every column `e` references lies in [from, to).
bool only_slots(const Expr& e, int from, int to) {
  if (e.kind == ExprKind::kColumn) return e.slot >= from && e.slot < to;
  for (const ExprPtr& a : e.args)
    if (!only_slots(*a, from, to)) return false;
  return true;
}

ExprPtr column_ref(const Scope::Entry& en) {
  auto e = std::make_shared<Expr>();
  e->kind = ExprKind::kColumn;
  e->name = en.column.name;
  e->slot = en.slot;
  e->type = en.column.type;
  return e;
}

Status resolve_sources(const Catalog& catalog, const Select& s, SelectPlan* p, Scope* scope) {
  const SourceDef* left = catalog.find(s.from.name);
  if (!left) return at(s.from.pos, "unknown stream or table '" + s.from.name + "'");
  p->left = *left;
  p->left_offset = scope->add_source(left->name, s.from.alias, left->columns);
  if (!s.join) return Status::ok();
  const SourceDef* right = catalog.find(s.join->table.name);
  if (!right) return at(s.join->table.pos, "unknown stream or table '" + s.join->table.name + "'");
  if (left->is_table || !right->is_table)
    return at(s.join->table.pos, "only stream-table joins are supported (FROM a stream JOIN a table)");
  if (name_equals(s.from.alias.empty() ? left->name : s.from.alias,
                  s.join->table.alias.empty() ? right->name : s.join->table.alias))
    return at(s.join->table.pos, "both sides of the join have the same name; give them aliases");
  p->right = *right;
  p->left_join = s.join->left;
  p->right_offset = scope->add_source(right->name, s.join->table.alias, right->columns);
  return Status::ok();
}

// ON must be <stream expression> = <table key column>; the stream side becomes the join key.
Status plan_join(const Select& s, const Scope& scope, SelectPlan* p) {
  const ExprPtr& on = s.join->on;
  OS_RETURN_IF_ERROR(bind_expr(on, scope));
  int right_from = static_cast<int>(p->right_offset);
  int right_key = -1;
  for (size_t i = 0; i < p->right->columns.size(); ++i)
    if (p->right->columns[i].key) right_key = right_from + static_cast<int>(i);
  std::string shape = "the join condition must be <stream expression> = " + p->right->name + "." +
                      (right_key >= 0 ? p->right->columns[right_key - right_from].name : "<key>");
  if (on->kind != ExprKind::kBinary || on->op != "=") return at(on->pos, shape);
  for (int side = 0; side < 2; ++side) {
    const Expr& key = *on->args[side];
    const ExprPtr& other = on->args[1 - side];
    if (key.kind == ExprKind::kColumn && key.slot == right_key && only_slots(*other, 0, right_from)) {
      p->join_key = other;
      return Status::ok();
    }
  }
  return at(on->pos, shape);
}

Status plan_projection(const Select& s, const Scope& scope, SelectPlan* p, const BindOptions& opts) {
  for (size_t i = 0; i < s.items.size(); ++i) {
    const SelectItem& item = s.items[i];
    if (!item.expr) {  // * or alias.*
      if (p->aggregate) return at(item.pos, "SELECT * is not allowed with GROUP BY");
      bool prefixed = p->right.has_value() && item.star_qualifier.empty();
      bool any = false;
      for (const Scope::Entry& en : scope.entries()) {
        if (en.source.empty() || name_equals(en.column.name, "ROWTIME")) continue;
        if (!item.star_qualifier.empty() &&
            !name_equals(en.alias.empty() ? en.source : en.alias, item.star_qualifier))
          continue;
        any = true;
        std::string prefix = en.alias.empty() ? en.source : en.alias;
        p->names.push_back(prefixed ? upper_name(prefix) + "_" + en.column.name : en.column.name);
        p->projections.push_back(column_ref(en));
      }
      if (!any) return at(item.pos, "unknown source or alias '" + item.star_qualifier + "'");
      continue;
    }
    OS_RETURN_IF_ERROR(bind_expr(item.expr, scope, opts));
    p->names.push_back(item.alias.empty() ? default_column_name(*item.expr, i) : item.alias);
    p->projections.push_back(item.expr);
  }
  for (size_t i = 0; i < p->names.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (name_equals(p->names[i], p->names[j]))
        return at(s.items[std::min(i, s.items.size() - 1)].pos,
                  "duplicate output column '" + p->names[i] + "'; give it an alias with AS");
  return Status::ok();
}

Status plan_aggregate(const Select& s, const Scope& scope, SelectPlan* p) {
  for (const ExprPtr& g : s.group_by) {
    if (g->kind != ExprKind::kColumn) return at(g->pos, "GROUP BY supports column names only");
    OS_RETURN_IF_ERROR(bind_expr(g, scope));
    p->group_by.push_back(g);
  }
  for (const ExprPtr& e : p->projections) OS_RETURN_IF_ERROR(check_grouped(*e, *p));
  if (s.having) {
    BindOptions opts{&p->aggregates};
    OS_RETURN_IF_ERROR(bind_expr(s.having, scope, opts));
    if (s.having->type != SqlType::kBoolean && s.having->type != SqlType::kNull)
      return at(s.having->pos, "HAVING must be a condition");
    OS_RETURN_IF_ERROR(check_grouped(*s.having, *p));
    p->having = s.having;
  }
  return Status::ok();
}

}  // namespace

std::vector<ColumnDef> SelectPlan::output_columns() const {
  std::vector<ColumnDef> out;
  for (size_t i = 0; i < names.size(); ++i) {
    SqlType t = projections[i]->type;
    out.push_back(ColumnDef{names[i], t == SqlType::kNull ? SqlType::kVarchar : t, false, {}});
  }
  if (window) {
    out.push_back(ColumnDef{"WINDOWSTART", SqlType::kBigint, false, {}});
    out.push_back(ColumnDef{"WINDOWEND", SqlType::kBigint, false, {}});
  }
  return out;
}

std::string group_key_text(const std::vector<Value>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += '|';
    out += values[i].to_text();
  }
  return out;
}

Result<std::shared_ptr<const SelectPlan>> plan_select(const Catalog& catalog,
                                                      std::shared_ptr<const Statement> statement) {
  auto p = std::make_shared<SelectPlan>();
  p->statement = statement;
  const Select& s = *statement->select;
  Scope scope;
  OS_RETURN_IF_ERROR(resolve_sources(catalog, s, p.get(), &scope));
  p->aggregate = !s.group_by.empty();
  if (s.window && !p->aggregate) return at(s.window->pos, "WINDOW needs GROUP BY");
  if (s.having && !p->aggregate) return at(s.having->pos, "HAVING needs GROUP BY");
  if (p->aggregate && s.join) return at(s.join->table.pos, "GROUP BY over a join is not supported");
  if (p->aggregate && s.partition_by) return at(s.partition_by->pos, "PARTITION BY cannot be used with GROUP BY");
  if (s.window) {
    p->window = s.window;
    p->window_start_slot = scope.add_pseudo("WINDOWSTART", SqlType::kBigint);
    p->window_end_slot = scope.add_pseudo("WINDOWEND", SqlType::kBigint);
  }
  p->width = scope.width();
  if (s.join) OS_RETURN_IF_ERROR(plan_join(s, scope, p.get()));
  if (s.where) {
    OS_RETURN_IF_ERROR(bind_expr(s.where, scope));
    if (s.where->type != SqlType::kBoolean && s.where->type != SqlType::kNull)
      return at(s.where->pos, "WHERE must be a condition");
    // The window bounds are known only after aggregation.
    if (p->window && !only_slots(*s.where, 0, p->window_start_slot))
      return at(s.where->pos, "WHERE cannot use WINDOWSTART or WINDOWEND");
    p->where = s.where;
  }
  BindOptions opts;
  if (p->aggregate) opts.aggregates = &p->aggregates;
  OS_RETURN_IF_ERROR(plan_projection(s, scope, p.get(), opts));
  if (p->aggregate) OS_RETURN_IF_ERROR(plan_aggregate(s, scope, p.get()));
  if (s.partition_by) {
    OS_RETURN_IF_ERROR(bind_expr(s.partition_by, scope));
    p->partition_by = s.partition_by;
  }
  p->limit = s.limit;
  return std::shared_ptr<const SelectPlan>(std::move(p));
}

}  // namespace orderstream::sql
