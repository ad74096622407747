// Engine statements that only read: SHOW, DESCRIBE and pull queries.
#include "log/partitioner.h"
#include "sql/engine.h"
#include "sql/eval.h"
#include "sql/row_codec.h"

namespace orderstream::sql {

namespace {

Status at(const Pos& pos, const std::string& what) { return invalid_argument(pos.to_string() + ": " + what); }

// The literal a pull query looks up: `<key column> = <literal>` in WHERE (or one of its ANDs).
const Expr* key_literal(const Expr& e, int key_slot) {
  if (e.kind != ExprKind::kBinary) return nullptr;
  if (e.op == "AND") {
    const Expr* l = key_literal(*e.args[0], key_slot);
    return l ? l : key_literal(*e.args[1], key_slot);
  }
  if (e.op != "=") return nullptr;
  for (int side = 0; side < 2; ++side)
    if (e.args[side]->kind == ExprKind::kColumn && e.args[side]->slot == key_slot &&
        e.args[1 - side]->kind == ExprKind::kLiteral && !e.args[1 - side]->literal.is_null())
      return e.args[1 - side].get();
  return nullptr;
}

}  // namespace

Result<StatementResult> Engine::show(const Statement& st) const {
  StatementResult r;
  r.statement = st.text;
  if (st.show == ShowWhat::kQueries) {
    r.kind = ResultKind::kQueries;
    r.columns = {"Query ID", "Query Type", "Status", "Sink Name", "Sink Kafka Topic", "Query String"};
    for (const auto& [id, q] : queries_) {
      const SourceDef* sink = catalog_.find(q.sink);
      std::string state = q.runtime ? "RUNNING" : "NOT RUNNING (runs in the server)";
      r.rows.push_back({Value::string(id), Value::string("PERSISTENT"), Value::string(state),
                        Value::string(q.sink), Value::string(sink ? sink->topic : ""),
                        Value::string(sink ? sink->statement : "")});
    }
    return r;
  }
  bool tables = st.show == ShowWhat::kTables;
  r.kind = tables ? ResultKind::kTables : ResultKind::kStreams;
  r.columns = {tables ? "Table Name" : "Stream Name", "Kafka Topic", "Key Format", "Value Format", "Windowed"};
  for (const SourceDef* s : catalog_.sources())
    if (s->is_table == tables)
      r.rows.push_back({Value::string(s->name), Value::string(s->topic), Value::string("KAFKA"),
                        Value::string("JSON"), Value::boolean(s->windowed)});
  return r;
}

Result<StatementResult> Engine::describe(const Statement& st) const {
  const SourceDef* s = catalog_.find(st.name);
  if (!s) return not_found("stream or table '" + st.name + "' does not exist");
  StatementResult r;
  r.kind = ResultKind::kDescription;
  r.statement = st.text;
  r.name = s->name;
  r.source_type = s->is_table ? "TABLE" : "STREAM";
  r.topic = s->topic;
  r.query_id = s->query_id;
  r.columns = {"Field", "Type"};
  for (const ColumnDef& c : s->columns) {
    std::string type(type_name(c.type));
    if (c.key) type += s->is_table ? " (primary key)" : " (key)";
    r.rows.push_back({Value::string(c.name), Value::string(type)});
  }
  return r;
}

Result<StatementResult> Engine::pull(const Statement& st) {
  OS_ASSIGN_OR_RETURN(auto plan, plan_select(catalog_, std::make_shared<Statement>(st)));
  const SourceDef& table = plan->left;
  const Select& s = *st.select;
  if (!table.is_table)
    return at(s.from.pos, "a pull query reads a table; '" + table.name +
                              "' is a stream: add EMIT CHANGES to follow it");
  if (plan->right || plan->aggregate || plan->partition_by || s.limit)
    return at(s.pos, "a pull query is SELECT ... FROM <table> WHERE <key column> = <value>");
  int key_slot = -1;
  for (size_t i = 0; i < table.columns.size(); ++i)
    if (table.columns[i].key) key_slot = static_cast<int>(plan->left_offset + i);
  const Expr* key = plan->where && key_slot >= 0 ? key_literal(*plan->where, key_slot) : nullptr;
  if (!key)
    return at(s.pos, "a pull query needs WHERE <key column> = <value>" +
                         (key_slot >= 0 ? " (the key of " + table.name + " is " +
                                              table.columns[key_slot - plan->left_offset].name + ")"
                                        : std::string(" but ") + table.name + " has no key column"));
  std::string key_text = key->literal.to_text();
  OS_ASSIGN_OR_RETURN(log::ReadView view, log_.read_view());
  // The table's rows for the key, in its column order (plus ROWTIME).
  std::vector<std::vector<Value>> rows;
  if (table.derived) {  // a CREATE TABLE AS SELECT: its aggregate store
    auto q = queries_.find(table.query_id);
    if (q == queries_.end() || q->second.topology.aggregate_sub_topology.empty())
      return invalid_argument("table " + table.name + " is not materialized (its query is not running)");
    const QueryTopology& qt = q->second.topology;
    PartitionId p = log::partition_for_key(key_text, qt.partitions);
    auto store = stream::scoped_store_name(qt.aggregate_sub_topology, p, kAggregateStore);
    OS_ASSIGN_OR_RETURN(std::optional<std::string_view> stored, view.get(store, key_text));
    if (stored) {
      OS_ASSIGN_OR_RETURN(GroupState g, decode_group_state(*stored));
      for (const WindowState& w : g.windows) {
        auto out = aggregate_output(*q->second.plan, g, w);
        if (!out) continue;
        out->resize(out->size() + 1);  // ROWTIME: NULL
        rows.push_back(std::move(*out));
      }
    }
  } else {
    // A table declared over a topic: the latest record of the key in its partition.
    OS_ASSIGN_OR_RETURN(log::TopicInfo info, log_.topic(table.topic));
    log::TopicPartition tp{table.topic, log::partition_for_key(key_text, info.partitions)};
    std::optional<log::Record> latest;
    auto scanned = view.scan(tp, Offset(0), SIZE_MAX, [&](const log::RecordView& r) {
      if (r.key && *r.key == key_text) latest = log::Record::from_view(r);
      return true;
    });
    if (!scanned.ok()) return scanned.status();
    if (latest && latest->value) {
      std::vector<Value> row(table.columns.size() + 1);
      OS_RETURN_IF_ERROR(decode_row(table.columns, latest->key, latest->value, latest->timestamp_ms, &row, 0));
      rows.push_back(std::move(row));
    }
  }
  StatementResult r;
  r.kind = ResultKind::kRows;
  r.statement = st.text;
  r.columns = plan->names;
  for (const ColumnDef& c : plan->output_columns()) r.column_types.push_back(c.type);
  for (std::vector<Value>& row : rows) {
    row.resize(plan->width);
    EvalInput in{row};
    if (!is_true(eval(*plan->where, in))) continue;
    std::vector<Value> out;
    for (const ExprPtr& e : plan->projections) out.push_back(eval(*e, in));
    r.rows.push_back(std::move(out));
  }
  return r;
}

}  // namespace orderstream::sql
