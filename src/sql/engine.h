// The SQL engine: executes statements against one Log. It owns the catalog (replayed from
// __sql_catalog on open) and one stream::Runtime per persistent query over the shared Log, so
// queries run as exactly-once tasks and resume after a restart under the same query ids.
// Thread-safe: statements are serialised by one mutex; a PushQuery it hands out is polled
// without it. Must be destroyed (or stop()ped) before the Log.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.h"
#include "log/log.h"
#include "sql/catalog.h"
#include "sql/push_query.h"
#include "sql/push_runner.h"
#include "sql/query_owners.h"
#include "sql/query_tasks.h"
#include "sql/result.h"
#include "stream/runtime.h"

namespace orderstream::sql {

enum class QueryMode {
  kThreads,  // persistent queries run on their own threads (the server)
  kManual,   // they run only when run_until_idle() is called (tests)
  kNone,     // they are recorded in the catalog but not run (the CLI beside no server)
};

struct EngineOptions {
  int32_t partitions = 4;  // partitions of topics the queries create when nothing decides it
  QueryMode mode = QueryMode::kThreads;
  // The single-writer rule of the layer above (serve wires services/ownership.h): the refusal
  // for a query that would write `topic`, or nullopt when anyone may. Unset: nothing is owned.
  std::function<std::optional<std::string>(std::string_view topic)> owned_topic;
};

// Per-request properties (ksqlDB's streamsProperties / SET): only auto.offset.reset is used.
struct QueryProperties {
  bool from_beginning = false;  // auto.offset.reset = earliest
  // Applies one property; InvalidArgument for an unknown property or value.
  Status set(std::string_view name, std::string_view value);
};

class Engine {
 public:
  // Replays the catalog and (unless mode is kNone) starts its persistent queries.
  static Result<std::unique_ptr<Engine>> open(log::Log& log, EngineOptions options);
  ~Engine();

  // Executes one statement other than a push query. Errors: InvalidArgument (bad statement, with
  // line and column), NotFound (unknown source or query), Conflict (exists, or in use).
  Result<StatementResult> execute(const Statement& st, QueryProperties* props);
  // Parses and executes every statement of `text` in order, stopping at the first error.
  Result<std::vector<StatementResult>> execute_script(std::string_view text, QueryProperties* props);
  // Plans and starts a push query (a SELECT with EMIT CHANGES).
  Result<std::unique_ptr<PushQuery>> start_push(const Statement& st, const QueryProperties& props);

  // Runs push queries for callers that must not block (HTTP); stopped by stop().
  PushRunner& push_runner() { return push_runner_; }
  // The topics and groups its running persistent queries write (thread-safe, never blocks
  // behind a statement).
  const QueryOwners& owners() const { return owners_; }

  // kManual: steps every persistent query until none makes progress.
  Status run_until_idle();
  // Stops the push queries of push_runner() and every persistent query's threads. Idempotent.
  void stop();

 private:
  struct RunningQuery {
    std::string id;
    std::string sink;
    std::shared_ptr<const SelectPlan> plan;
    QueryTopology topology;
    std::unique_ptr<stream::Runtime> runtime;  // null when mode is kNone
  };

  Engine(log::Log& log, EngineOptions options) : log_(log), options_(options) {}
  Status replay();
  Result<StatementResult> create_source(const Statement& st, bool replaying);
  Status create_source_replay(const Statement& st);
  Result<StatementResult> create_as(const Statement& st, std::string query_id, bool replaying);
  Result<StatementResult> drop(const Statement& st);
  Result<StatementResult> terminate(const Statement& st);
  Result<StatementResult> show(const Statement& st) const;
  Result<StatementResult> describe(const Statement& st) const;
  Result<StatementResult> pull(const Statement& st);
  Status start_query(RunningQuery* q);
  Status stop_query(RunningQuery* q);  // stops it and wipes its offsets and stores
  std::string next_query_id(const Statement& st);

  log::Log& log_;
  EngineOptions options_;
  std::mutex mu_;
  Catalog catalog_;
  std::map<std::string, RunningQuery> queries_;  // by id
  int64_t query_seq_ = 0;
  PushRunner push_runner_;
  QueryOwners owners_;
};

// True for a SELECT with EMIT CHANGES (run with start_push), false for everything else.
bool is_push_query(const Statement& st);

}  // namespace orderstream::sql
