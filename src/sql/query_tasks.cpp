#include "sql/query_tasks.h"

#include <algorithm>

#include "sql/eval.h"
#include "sql/row_codec.h"

namespace orderstream::sql {

namespace {

using PlanPtr = std::shared_ptr<const SelectPlan>;

// Records moved through a repartition topic keep their original key and value (key columns
// come from the key) inside an envelope.
std::string wrap(const stream::InputRecord& r) {
  return encode_values({r.key ? Value::string(std::string(*r.key)) : Value(),
                        r.value ? Value::string(std::string(*r.value)) : Value()});
}

struct Unwrapped {
  std::optional<std::string> key, value;
};
Result<Unwrapped> unwrap(const stream::InputRecord& r) {
  if (!r.value) return invalid_argument("repartition record without a value");
  OS_ASSIGN_OR_RETURN(std::vector<Value> v, decode_values(*r.value));
  if (v.size() != 2) return invalid_argument("malformed repartition record");
  Unwrapped u;
  if (v[0].is_string()) u.key = v[0].as_string();
  if (v[1].is_string()) u.value = v[1].as_string();
  return u;
}

Status decode_left(const SelectPlan& p, std::optional<std::string_view> key,
                   std::optional<std::string_view> value, int64_t ts, std::vector<Value>* row) {
  return decode_row(p.left.columns, key, value, ts, row, p.left_offset);
}

// WHERE, PARTITION BY and projection of a (joined) row, emitted to the sink.
void emit_projected(const SelectPlan& p, const std::string& sink, stream::TaskContext& ctx,
                    const std::vector<Value>& row, std::optional<std::string> key, int64_t ts) {
  EvalInput in{row};
  if (p.where && !is_true(eval(*p.where, in))) return;
  if (p.partition_by) {
    Value k = eval(*p.partition_by, in);
    key = k.is_null() ? std::nullopt : std::optional<std::string>(k.to_text());
  }
  std::vector<Value> out;
  for (const ExprPtr& e : p.projections) out.push_back(eval(*e, in));
  ctx.emit(sink, std::move(key), encode_row(p.names, out), ts);
}

// A processor of one query: the plan it evaluates and the topic it writes.
class PlanProcessor : public stream::Processor {
 public:
  PlanProcessor(PlanPtr p, std::string topic) : p_(std::move(p)), topic_(std::move(topic)) {}

 protected:
  PlanPtr p_;
  std::string topic_;
};

class SelectProcessor final : public PlanProcessor {
 public:
  using PlanProcessor::PlanProcessor;
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (!r.value) return Status::ok();  // a tombstone carries no stream row
    std::vector<Value> row = p_->empty_row();
    OS_RETURN_IF_ERROR(decode_left(*p_, r.key, r.value, r.timestamp_ms, &row));
    emit_projected(*p_, topic_, ctx, row, r.key ? std::optional<std::string>(*r.key) : std::nullopt,
                   r.timestamp_ms);
    return Status::ok();
  }

};

// Rekeys the stream by the join key, or (after WHERE) by the group key.
class RekeyProcessor final : public PlanProcessor {
 public:
  using PlanProcessor::PlanProcessor;
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (!r.value) return Status::ok();
    std::vector<Value> row = p_->empty_row();
    OS_RETURN_IF_ERROR(decode_left(*p_, r.key, r.value, r.timestamp_ms, &row));
    EvalInput in{row};
    std::optional<std::string> key;
    if (p_->aggregate) {
      if (p_->where && !is_true(eval(*p_->where, in))) return Status::ok();
      std::vector<Value> group;
      for (const ExprPtr& g : p_->group_by) {
        group.push_back(eval(*g, in));
        if (group.back().is_null()) return Status::ok();  // ksqlDB drops rows with a NULL group key
      }
      key = group_key_text(group);
    } else {
      Value k = eval(*p_->join_key, in);
      if (k.is_null() && !p_->left_join) return Status::ok();  // can match nothing
      if (!k.is_null()) key = k.to_text();
    }
    ctx.emit(topic_, std::move(key), wrap(r), r.timestamp_ms);
    return Status::ok();
  }

};

class JoinProcessor final : public PlanProcessor {
 public:
  using PlanProcessor::PlanProcessor;
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (r.topic == p_->right->topic) {  // the table side: keep its latest row per key
      if (!r.key) return invalid_argument("table record without a key");
      if (r.value) ctx.put(kJoinTableStore, *r.key, std::string(*r.value));
      else ctx.del(kJoinTableStore, *r.key);
      return Status::ok();
    }
    OS_ASSIGN_OR_RETURN(Unwrapped u, unwrap(r));
    std::vector<Value> row = p_->empty_row();
    OS_RETURN_IF_ERROR(decode_left(*p_, u.key, u.value, r.timestamp_ms, &row));
    std::optional<std::string> match;
    if (r.key) {
      OS_ASSIGN_OR_RETURN(match, ctx.get(kJoinTableStore, *r.key));
    }
    if (!match && !p_->left_join) return Status::ok();
    if (match) {
      // A stored row that no longer decodes is treated as absent rather than failing the order.
      if (!decode_row(p_->right->columns, r.key, *match, r.timestamp_ms, &row, p_->right_offset).is_ok()) {
        if (!p_->left_join) return invalid_argument("table row for key '" + std::string(*r.key) + "' is malformed");
      }
    }
    emit_projected(*p_, topic_, ctx, row, r.key ? std::optional<std::string>(*r.key) : std::nullopt,
                   r.timestamp_ms);
    return Status::ok();
  }

};

Value add(const Value& sum, const Value& x) {
  if (x.is_null()) return sum;
  if (sum.is_null()) return x;
  if (sum.is_int() && x.is_int()) {
    int64_t r = 0;
    if (!__builtin_add_overflow(sum.as_int(), x.as_int(), &r)) return Value::integer(r);
  }
  return Value::real(sum.as_double() + x.as_double());
}

class AggregateProcessor final : public PlanProcessor {
 public:
  using PlanProcessor::PlanProcessor;
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (!r.key) return invalid_argument("aggregate input without a group key");
    OS_ASSIGN_OR_RETURN(Unwrapped u, unwrap(r));
    std::vector<Value> row = p_->empty_row();
    OS_RETURN_IF_ERROR(decode_left(*p_, u.key, u.value, r.timestamp_ms, &row));
    EvalInput in{row};
    std::string key(*r.key);
    OS_ASSIGN_OR_RETURN(std::optional<std::string> stored, ctx.get(kAggregateStore, key));
    GroupState g;
    if (stored) {
      OS_ASSIGN_OR_RETURN(g, decode_group_state(*stored));
    } else {
      for (const ExprPtr& e : p_->group_by) g.group.push_back(eval(*e, in));
    }
    int64_t start = 0, size = 0, grace = 0;
    if (p_->window) {
      size = p_->window->size_ms;
      grace = p_->window->grace_ms;
      start = r.timestamp_ms - ((r.timestamp_ms % size) + size) % size;
      if (start + size + grace <= ctx.stream_time_ms())
        return invalid_argument("late record: its window [" + std::to_string(start) + ", " +
                                std::to_string(start + size) + ") closed (grace " +
                                std::to_string(grace) + " ms)");
    }
    WindowState* w = nullptr;
    for (WindowState& ws : g.windows)
      if (ws.start_ms == start) w = &ws;
    if (!w) {
      WindowState fresh{start, r.timestamp_ms, false, {}};
      for (const Expr* a : p_->aggregates) fresh.aggregates.push_back(a->name == "COUNT" ? Value::integer(0) : Value());
      // Kept in start order, so pull queries list windows oldest first.
      auto pos = std::upper_bound(g.windows.begin(), g.windows.end(), start,
                                  [](int64_t s, const WindowState& ws) { return s < ws.start_ms; });
      w = &*g.windows.insert(pos, std::move(fresh));
    }
    // The output's timestamp is the window's latest, not the current record's, so it does not
    // depend on the order in which the rekey tasks interleaved the window's records.
    w->max_ts_ms = std::max(w->max_ts_ms, r.timestamp_ms);
    for (size_t i = 0; i < p_->aggregates.size(); ++i) {
      const Expr& a = *p_->aggregates[i];
      Value x = a.star ? Value::integer(1) : eval(*a.args[0], in);
      Value& acc = w->aggregates[i];
      if (a.name == "COUNT") acc = Value::integer(acc.as_int() + (x.is_null() ? 0 : 1));
      else acc = add(acc, x);
    }
    std::optional<std::vector<Value>> out = aggregate_output(*p_, g, *w);
    std::string out_key = p_->window ? key + "@" + std::to_string(start) : key;
    if (out) {
      std::vector<std::string> names = p_->names;
      if (p_->window) names.insert(names.end(), {"WINDOWSTART", "WINDOWEND"});
      ctx.emit(topic_, out_key, encode_row(names, *out), w->max_ts_ms);
      w->emitted = true;
    } else if (w->emitted) {  // HAVING turned false: the row leaves the table
      ctx.emit(topic_, out_key, std::nullopt, w->max_ts_ms);
      w->emitted = false;
    }
    if (p_->window) {
      // Closed windows can never change again: forget them so state stays bounded.
      int64_t now = ctx.stream_time_ms();
      std::erase_if(g.windows, [&](const WindowState& ws) { return ws.start_ms + size + grace <= now; });
    }
    ctx.put(kAggregateStore, key, encode_group_state(g));
    return Status::ok();
  }

};

stream::SubTopology sub(std::string name, const std::string& service, std::vector<std::string> inputs,
                        std::vector<std::string> stores,
                        std::function<std::unique_ptr<stream::Processor>(PartitionId)> make) {
  stream::SubTopology s;
  s.name = std::move(name);
  s.service = service;
  s.inputs = std::move(inputs);
  s.stores = std::move(stores);
  s.make_processor = std::move(make);
  return s;
}

}  // namespace

QueryTopology make_query_topology(log::Log& log, const std::string& query_id, PlanPtr plan,
                                  const SourceDef& sink, int32_t default_partitions) {
  QueryTopology q;
  q.partitions = default_partitions;
  const std::string& driver = plan->right ? plan->right->topic : plan->left.topic;
  if (auto info = log.topic(driver); info.ok()) q.partitions = info->partitions;
  log::TopicConfig events, table;
  table.cleanup_policy = log::CleanupPolicy::kCompact;
  table.retention_ms = -1;
  auto& topics = q.topology.topics;
  topics.push_back({plan->left.topic, events});
  if (plan->right) topics.push_back({plan->right->topic, table});
  topics.push_back({sink.topic, sink.is_table ? table : events});
  std::string topic_topic = sink.topic;
  auto& subs = q.topology.sub_topologies;
  if (!plan->right && !plan->aggregate) {
    subs.push_back(sub(query_id, query_id, {plan->left.topic}, {}, [plan, topic_topic](PartitionId) {
      return std::make_unique<SelectProcessor>(plan, topic_topic);
    }));
    return q;
  }
  q.repartition_topic = query_id + "-repartition";
  topics.push_back({q.repartition_topic, events});
  std::string rt = q.repartition_topic;
  subs.push_back(sub(query_id + "-rekey", query_id, {plan->left.topic}, {}, [plan, rt](PartitionId) {
    return std::make_unique<RekeyProcessor>(plan, rt);
  }));
  if (plan->right) {
    subs.push_back(sub(query_id + "-join", query_id, {rt, plan->right->topic}, {kJoinTableStore},
                       [plan, topic_topic](PartitionId) { return std::make_unique<JoinProcessor>(plan, topic_topic); }));
  } else {
    q.aggregate_sub_topology = query_id + "-agg";
    subs.push_back(sub(q.aggregate_sub_topology, query_id, {rt}, {kAggregateStore},
                       [plan, topic_topic](PartitionId) { return std::make_unique<AggregateProcessor>(plan, topic_topic); }));
  }
  return q;
}

std::string encode_group_state(const GroupState& s) {
  // [n group values] group... [n windows] (start emitted aggregates...)...
  std::vector<Value> flat{Value::integer(static_cast<int64_t>(s.group.size()))};
  flat.insert(flat.end(), s.group.begin(), s.group.end());
  flat.push_back(Value::integer(static_cast<int64_t>(s.windows.size())));
  for (const WindowState& w : s.windows) {
    flat.push_back(Value::integer(w.start_ms));
    flat.push_back(Value::integer(w.max_ts_ms));
    flat.push_back(Value::boolean(w.emitted));
    flat.push_back(Value::integer(static_cast<int64_t>(w.aggregates.size())));
    flat.insert(flat.end(), w.aggregates.begin(), w.aggregates.end());
  }
  return encode_values(flat);
}

Result<GroupState> decode_group_state(std::string_view text) {
  OS_ASSIGN_OR_RETURN(std::vector<Value> flat, decode_values(text));
  size_t i = 0;
  auto count = [&]() -> int64_t {
    if (i >= flat.size() || !flat[i].is_int() || flat[i].as_int() < 0) return -1;
    int64_t n = flat[i++].as_int();
    return static_cast<size_t>(n) <= flat.size() - i ? n : -1;
  };
  auto bad = corruption("malformed aggregate state");
  GroupState s;
  int64_t n = count();
  if (n < 0) return bad;
  s.group.assign(flat.begin() + i, flat.begin() + i + n);
  i += n;
  int64_t windows = count();
  if (windows < 0) return bad;
  for (int64_t k = 0; k < windows; ++k) {
    WindowState w;
    if (i + 3 > flat.size() || !flat[i].is_int() || !flat[i + 1].is_int() || !flat[i + 2].is_bool()) return bad;
    w.start_ms = flat[i++].as_int();
    w.max_ts_ms = flat[i++].as_int();
    w.emitted = flat[i++].as_bool();
    int64_t a = count();
    if (a < 0) return bad;
    w.aggregates.assign(flat.begin() + i, flat.begin() + i + a);
    i += a;
    s.windows.push_back(std::move(w));
  }
  return s;
}

std::optional<std::vector<Value>> aggregate_output(const SelectPlan& p, const GroupState& g,
                                                   const WindowState& w) {
  std::vector<Value> row = p.empty_row();
  for (size_t i = 0; i < p.group_by.size() && i < g.group.size(); ++i) row[p.group_by[i]->slot] = g.group[i];
  if (p.window) {
    row[p.window_start_slot] = Value::integer(w.start_ms);
    row[p.window_end_slot] = Value::integer(w.start_ms + p.window->size_ms);
  }
  EvalInput in{row, &w.aggregates};
  if (p.having && !is_true(eval(*p.having, in))) return std::nullopt;
  std::vector<Value> out;
  for (const ExprPtr& e : p.projections) out.push_back(eval(*e, in));
  if (p.window) {
    out.push_back(row[p.window_start_slot]);
    out.push_back(row[p.window_end_slot]);
  }
  return out;
}

}  // namespace orderstream::sql
