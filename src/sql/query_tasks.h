// Persistent queries (CREATE STREAM/TABLE AS SELECT) as stream-runtime topologies. Each query is
// one or two sub-topologies, all of service "<query id>" (so one thread per query):
//   filter/project:  source -> [select] -> sink
//   stream-table join: stream -> [rekey by join key] -> <id>-repartition
//                      {<id>-repartition, table topic} -> [join: table in store "table"] -> sink
//   aggregate:       stream -> [filter, rekey by group key] -> <id>-repartition
//                      <id>-repartition -> [aggregate in store "agg"] -> sink (table)
// State lives in TaskContext stores and outputs go through emit, so a query is exactly-once like
// every service. Processors are owned by their task's thread; the plan is shared read-only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "log/log.h"
#include "sql/catalog.h"
#include "sql/plan.h"
#include "stream/topology.h"

namespace orderstream::sql {

inline constexpr const char* kJoinTableStore = "table";  // table key -> table record value
inline constexpr const char* kAggregateStore = "agg";    // group key -> encoded GroupState

struct QueryTopology {
  stream::Topology topology;
  int32_t partitions = 0;         // of the repartition and sink topics
  std::string repartition_topic;  // "" when the query has none
  std::string aggregate_sub_topology;  // "" unless GROUP BY
};

// REQUIRES: plan outlives nothing in particular (the topology's factories keep it alive).
// The partition count follows the table side of a join (co-partitioning), else the source topic
// (when it exists), else default_partitions.
QueryTopology make_query_topology(log::Log& log, const std::string& query_id,
                                  std::shared_ptr<const SelectPlan> plan, const SourceDef& sink,
                                  int32_t default_partitions);

// One window of one group key of an aggregate.
struct WindowState {
  int64_t start_ms = 0;  // 0 for an unwindowed GROUP BY
  int64_t max_ts_ms = 0;  // the latest record timestamp in it: the timestamp of its output
  bool emitted = false;  // the sink holds a row for it (HAVING was true last time)
  std::vector<Value> aggregates;  // by aggregate slot
};
struct GroupState {
  std::vector<Value> group;  // the GROUP BY values
  std::vector<WindowState> windows;
};
std::string encode_group_state(const GroupState& s);
Result<GroupState> decode_group_state(std::string_view text);

// The output row of one window (projections, then WINDOWSTART/WINDOWEND when windowed), or
// nullopt when HAVING is not true.
std::optional<std::vector<Value>> aggregate_output(const SelectPlan& plan, const GroupState& g,
                                                   const WindowState& w);

}  // namespace orderstream::sql
