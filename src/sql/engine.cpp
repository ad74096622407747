#include "sql/engine.h"

#include <charconv>
#include <cstdio>

#include "log/topic_config.h"
#include "sql/parser.h"

namespace orderstream::sql {

namespace {

Status at(const Pos& pos, const std::string& what) { return invalid_argument(pos.to_string() + ": " + what); }

std::string kind_name(bool is_table) { return is_table ? "table" : "stream"; }

StatementResult status_result(const Statement& st, std::string message, std::string query_id = "") {
  StatementResult r;
  r.statement = st.text;
  r.message = std::move(message);
  r.query_id = std::move(query_id);
  return r;
}

std::string with_or(const Statement& st, const char* key, std::string fallback) {
  auto it = st.with.find(key);
  return it == st.with.end() ? fallback : it->second;
}

}  // namespace

Status QueryProperties::set(std::string_view name, std::string_view value) {
  if (name != "auto.offset.reset")
    return invalid_argument("unknown property '" + std::string(name) + "' (supported: auto.offset.reset)");
  if (value != "earliest" && value != "latest")
    return invalid_argument("auto.offset.reset must be 'earliest' or 'latest'");
  from_beginning = value == "earliest";
  return Status::ok();
}

bool is_push_query(const Statement& st) {
  return st.kind == StatementKind::kSelect && st.select && st.select->emit_changes;
}

Result<std::unique_ptr<Engine>> Engine::open(log::Log& log, EngineOptions options) {
  std::unique_ptr<Engine> e(new Engine(log, options));
  std::lock_guard lock(e->mu_);
  OS_RETURN_IF_ERROR(e->replay());
  return e;
}

Engine::~Engine() { stop(); }

void Engine::stop() {
  push_runner_.stop();
  std::lock_guard lock(mu_);
  for (auto& [id, q] : queries_)
    if (q.runtime) q.runtime->stop();
}

Status Engine::replay() {
  OS_ASSIGN_OR_RETURN(std::vector<CatalogEntry> pending, Catalog::read_entries(log_));
  for (const CatalogEntry& e : pending) {
    size_t us = e.query_id.rfind('_');
    if (us != std::string::npos) query_seq_ = std::max<int64_t>(query_seq_, std::atoll(e.query_id.c_str() + us + 1));
  }
  // A source may have been rewritten (TERMINATE) after sources that read it: replay in rounds.
  std::vector<std::string> errors;
  while (!pending.empty()) {
    std::vector<CatalogEntry> retry;
    errors.clear();
    for (CatalogEntry& e : pending) {
      auto st = parse_statement(e.statement);
      Status done = st.status();
      if (st.ok()) {
        done = st->kind == StatementKind::kCreateAs ? create_as(*st, e.query_id, true).status()
                                                    : create_source_replay(*st);
      }
      if (!done.is_ok()) {
        errors.push_back(e.name + ": " + done.to_string());
        retry.push_back(std::move(e));
      }
    }
    if (retry.size() == pending.size()) break;
    pending = std::move(retry);
  }
  for (const std::string& err : errors)
    std::fprintf(stderr, "orderstream: sql catalog: cannot restore %s\n", err.c_str());
  return Status::ok();
}

Result<StatementResult> Engine::execute(const Statement& st, QueryProperties* props) {
  std::lock_guard lock(mu_);
  switch (st.kind) {
    case StatementKind::kCreateSource: return create_source(st, false);
    case StatementKind::kCreateAs: return create_as(st, "", false);
    case StatementKind::kDrop: return drop(st);
    case StatementKind::kTerminate: return terminate(st);
    case StatementKind::kShow: return show(st);
    case StatementKind::kDescribe: return describe(st);
    case StatementKind::kSet:
      OS_RETURN_IF_ERROR(props->set(st.name, st.set_value));
      return status_result(st, "Successfully changed local property '" + st.name + "' to '" + st.set_value + "'.");
    case StatementKind::kSelect:
      if (is_push_query(st))
        return at(st.pos, "a push query (EMIT CHANGES) streams rows: send it to /query-stream or run it with 'orderstream sql'");
      return pull(st);
  }
  return invalid_argument("unknown statement");
}

Result<std::vector<StatementResult>> Engine::execute_script(std::string_view text, QueryProperties* props) {
  OS_ASSIGN_OR_RETURN(std::vector<Statement> all, parse_statements(text));
  std::vector<StatementResult> out;
  for (const Statement& st : all) {
    auto r = execute(st, props);
    if (!r.ok()) return r.status().with_context("statement " + std::to_string(out.size() + 1));
    out.push_back(std::move(*r));
  }
  return out;
}

Status Engine::create_source_replay(const Statement& st) { return create_source(st, true).status(); }

Result<StatementResult> Engine::create_source(const Statement& st, bool replaying) {
  if (catalog_.find(st.name)) {
    if (st.if_not_exists) return status_result(st, kind_name(st.is_table) + " " + st.name + " already exists");
    return Status(StatusCode::kConflict, st.pos.to_string() + ": a stream or table named '" + st.name + "' already exists");
  }
  auto topic_it = st.with.find("KAFKA_TOPIC");
  if (topic_it == st.with.end()) return at(st.pos, "WITH (KAFKA_TOPIC='...') is required");
  std::string format = upper_name(with_or(st, "VALUE_FORMAT", "JSON"));
  if (format != "JSON") return at(st.pos, "VALUE_FORMAT '" + format + "' is not supported (only JSON)");
  int keys = 0;
  for (const ColumnDef& c : st.columns) keys += c.key;
  if (st.is_table && keys != 1) return at(st.pos, "a table needs exactly one PRIMARY KEY column");
  if (!st.is_table && keys > 1) return at(st.pos, "a stream has at most one KEY column");
  const std::string& topic = topic_it->second;
  OS_RETURN_IF_ERROR(log::validate_topic_name(topic));
  if (!log_.topic(topic).ok()) {
    auto parts = st.with.find("PARTITIONS");
    if (parts == st.with.end())
      return not_found("topic '" + topic + "' does not exist; create it first or add PARTITIONS=n to WITH");
    // Digits only, all of them: atoi took '4x' as 4 and '4294967297' as 1.
    const std::string& text = parts->second;
    int32_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < 1 || n > log::kMaxPartitions)
      return at(st.pos, "PARTITIONS must be an integer in 1.." + std::to_string(log::kMaxPartitions) + ", got '" +
                            text + "'");
    log::TopicConfig config;
    if (st.is_table) config.cleanup_policy = log::CleanupPolicy::kCompact;
    Status created = log_.create_topic(topic, n, config);
    if (!created.is_ok() && created.code() != StatusCode::kConflict) return created;
  }
  SourceDef def{st.name, st.is_table, topic, st.columns, false, false, st.text, ""};
  if (!replaying) OS_RETURN_IF_ERROR(Catalog::write_entry(log_, {st.name, "", st.text}));
  catalog_.put(std::move(def));
  return status_result(st, std::string(st.is_table ? "Table" : "Stream") + " created");
}

std::string Engine::next_query_id(const Statement& st) {
  return std::string(st.is_table ? "CTAS_" : "CSAS_") + upper_name(st.name) + "_" + std::to_string(++query_seq_);
}

Result<StatementResult> Engine::create_as(const Statement& st, std::string query_id, bool replaying) {
  if (catalog_.find(st.name)) {
    if (st.if_not_exists) return status_result(st, kind_name(st.is_table) + " " + st.name + " already exists");
    return Status(StatusCode::kConflict, st.pos.to_string() + ": a stream or table named '" + st.name + "' already exists");
  }
  OS_ASSIGN_OR_RETURN(auto plan, plan_select(catalog_, std::make_shared<Statement>(st)));
  const Select& s = *st.select;
  if (plan->left.is_table) return at(s.from.pos, "a persistent query must read FROM a stream");
  if (st.is_table && !plan->aggregate)
    return at(st.pos, "CREATE TABLE AS SELECT needs GROUP BY (a table here is an aggregate)");
  if (!st.is_table && plan->aggregate) return at(st.pos, "GROUP BY makes a table: use CREATE TABLE AS SELECT");
  if (s.limit) return at(s.pos, "LIMIT is only for push queries");
  SourceDef sink{st.name, st.is_table, with_or(st, "KAFKA_TOPIC", st.name), plan->output_columns(), false,
                 plan->window.has_value(), st.text, ""};
  OS_RETURN_IF_ERROR(log::validate_topic_name(sink.topic));
  if (sink.topic == plan->left.topic || (plan->right && sink.topic == plan->right->topic))
    return at(st.pos, "the query would write to its own input topic '" + sink.topic + "'");
  if (!replaying) {  // a replayed query was let through when it was created
    if (auto refusal = options_.owned_topic ? options_.owned_topic(sink.topic) : std::nullopt)
      return permission_denied(st.pos.to_string() + ": " + *refusal);
    if (auto writer = owners_.topic_writer(sink.topic))
      return permission_denied(st.pos.to_string() + ": " + query_topic_message(sink.topic, *writer));
  }
  if (plan->aggregate && plan->group_by.size() == 1)  // pull queries look rows up by this column
    for (size_t i = 0; i < plan->projections.size(); ++i)
      if (plan->projections[i]->slot == plan->group_by[0]->slot && plan->projections[i]->kind == ExprKind::kColumn)
        sink.columns[i].key = true;
  if (!replaying) {
    query_id = next_query_id(st);
    OS_RETURN_IF_ERROR(Catalog::write_entry(log_, {st.name, query_id, st.text}));
  }
  sink.query_id = query_id;
  sink.derived = true;
  catalog_.put(sink);
  if (query_id.empty()) return status_result(st, "created (query terminated)");
  RunningQuery& q = queries_[query_id];
  q.id = query_id;
  q.sink = sink.name;
  q.plan = plan;
  q.topology = make_query_topology(log_, query_id, plan, sink, options_.partitions);
  if (Status started = start_query(&q); !started.is_ok()) {
    queries_.erase(query_id);
    catalog_.erase(st.name);
    if (!replaying) (void)Catalog::write_entry(log_, {st.name, "", ""});
    return started;
  }
  std::vector<std::string> topics{sink.topic}, groups;
  if (!q.topology.repartition_topic.empty()) topics.push_back(q.topology.repartition_topic);
  for (const stream::SubTopology& sub : q.topology.topology.sub_topologies) groups.push_back(sub.name);
  owners_.set(query_id, std::move(topics), std::move(groups));
  return status_result(st, "Created query with ID " + query_id, query_id);
}

Status Engine::start_query(RunningQuery* q) {
  if (options_.mode == QueryMode::kNone) return Status::ok();
  stream::RuntimeOptions ro;
  ro.partitions = q->topology.partitions;
  // No metrics registry: the registry would outlive a terminated query's tasks.
  q->runtime = std::make_unique<stream::Runtime>(log_, q->topology.topology, ro, nullptr);
  OS_RETURN_IF_ERROR(q->runtime->init());
  if (options_.mode == QueryMode::kThreads) q->runtime->start();
  return Status::ok();
}

Status Engine::stop_query(RunningQuery* q) {
  if (q->runtime) q->runtime->stop();
  q->runtime.reset();
  // A later query under the same id must not resume from this one's offsets and state.
  return stream::Runtime::reset_service(log_, q->topology.topology, q->id, q->topology.partitions);
}

Result<StatementResult> Engine::drop(const Statement& st) {
  const SourceDef* def = catalog_.find(st.name);
  if (!def || def->is_table != st.is_table) {
    if (st.if_exists) return status_result(st, kind_name(st.is_table) + " " + st.name + " does not exist");
    return not_found(kind_name(st.is_table) + " '" + st.name + "' does not exist");
  }
  if (def->builtin) return invalid_argument("'" + def->name + "' is built in and cannot be dropped");
  if (!def->query_id.empty())
    return conflict(def->name + " is written by query " + def->query_id + "; TERMINATE " + def->query_id + " first");
  for (const auto& [id, q] : queries_) {
    const SelectPlan& p = *q.plan;
    if (name_equals(p.left.name, def->name) || (p.right && name_equals(p.right->name, def->name)))
      return conflict(def->name + " is read by query " + id + "; TERMINATE " + id + " first");
  }
  OS_RETURN_IF_ERROR(Catalog::write_entry(log_, {def->name, "", ""}));
  std::string message = "Source " + def->name + " (topic: " + def->topic + ") was dropped.";
  catalog_.erase(st.name);
  return status_result(st, message);
}

Result<StatementResult> Engine::terminate(const Statement& st) {
  auto it = queries_.begin();
  while (it != queries_.end() && !name_equals(it->first, st.name)) ++it;
  if (it == queries_.end()) return not_found("query '" + st.name + "' does not exist (SHOW QUERIES lists them)");
  OS_RETURN_IF_ERROR(stop_query(&it->second));
  SourceDef sink = *catalog_.find(it->second.sink);
  sink.query_id.clear();
  OS_RETURN_IF_ERROR(Catalog::write_entry(log_, {sink.name, "", sink.statement}));
  catalog_.put(std::move(sink));
  owners_.erase(it->first);
  queries_.erase(it);
  return status_result(st, "Query terminated.");
}

Result<std::unique_ptr<PushQuery>> Engine::start_push(const Statement& st, const QueryProperties& props) {
  std::shared_ptr<const SelectPlan> plan;
  {
    std::lock_guard lock(mu_);
    OS_ASSIGN_OR_RETURN(plan, plan_select(catalog_, std::make_shared<Statement>(st)));
  }
  if (plan->right || plan->aggregate)
    return at(st.pos, "push queries with JOIN or GROUP BY are not supported: create a persistent query "
                      "(CREATE STREAM/TABLE ... AS SELECT) and push-query its result");
  if (plan->partition_by) return at(plan->partition_by->pos, "PARTITION BY is only for persistent queries");
  return PushQuery::start(log_, std::move(plan), props.from_beginning);
}

Status Engine::run_until_idle() {
  // Queries may feed each other (a CSAS over another's sink): go round until a pass is quiet.
  for (int round = 0; round < 100; ++round) {
    uint64_t before = log_.version();
    for (auto& [id, q] : queries_)
      if (q.runtime) OS_RETURN_IF_ERROR(q.runtime->run_until_idle());
    if (log_.version() == before) return Status::ok();
  }
  return aborted("persistent queries still making progress after 100 rounds");
}

}  // namespace orderstream::sql
