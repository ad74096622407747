#include "services/audit.h"

#include "services/audit_inventory.h"
#include "services/audit_orders.h"
#include "services/ecosystem.h"
#include "services/topics.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace orderstream::services {
namespace {

Result<int32_t> partitions_of(const log::Log& log, const char* topic) {
  Result<log::TopicInfo> info = log.topic(topic);
  if (!info.ok())
    return info.status().with_context(std::string("no topic '") + topic +
                                      "' (has the order ecosystem ever run on this log?)");
  return info->partitions;
}

// Every committed offset lies within its partition's [start, end]. Only retention moves start
// (compaction leaves gaps, as Kafka's does), so an offset below start means a consumer fell
// behind retention and lost records.
Status check_group_offsets(const log::ReadView& view, ViolationSink& sink, AuditSummary& summary) {
  OS_ASSIGN_OR_RETURN(std::vector<log::GroupOffset> offsets, view.group_offsets(std::nullopt));
  for (const log::GroupOffset& g : offsets) {
    ++summary.group_offsets;
    Result<log::PartitionInfo> info = view.partition_info(g.tp);
    if (!info.ok()) {
      if (info.status().code() != StatusCode::kNotFound) return info.status();
      sink.add(Violation{"offset-unknown-partition", g.tp.topic, g.tp.partition, g.offset,
                         "group " + g.group, "committed offset for a partition that does not exist"});
      continue;
    }
    if (g.offset < info->start || g.offset > info->end)
      sink.add(Violation{"offset-out-of-range", g.tp.topic, g.tp.partition, g.offset,
                         "group " + g.group,
                         "committed offset " + std::to_string(g.offset.v) + " is outside [" +
                             std::to_string(info->start.v) + ", " + std::to_string(info->end.v) +
                             "]"});
  }
  return Status::ok();
}

// Records the ecosystem's groups have yet to consume; with a sink (expect_drained) each behind
// group is a violation.
Status check_lag(const log::Log& log, const log::ReadView& view, ViolationSink* sink,
                 int64_t* lag) {
  stream::Topology topology = make_ecosystem_topology({}, nullptr);
  for (const stream::SubTopology& sub : topology.sub_topologies) {
    for (const std::string& topic : sub.inputs) {
      Result<log::TopicInfo> t = log.topic(topic);
      if (!t.ok()) continue;  // never created: nothing to consume
      for (int32_t p = 0; p < t->partitions; ++p) {
        log::TopicPartition tp{topic, PartitionId(p)};
        OS_ASSIGN_OR_RETURN(log::PartitionInfo info, view.partition_info(tp));
        OS_ASSIGN_OR_RETURN(std::optional<Offset> committed, view.committed(sub.name, tp));
        Offset at = std::max(committed.value_or(info.start), info.start);
        int64_t behind = std::max<int64_t>(0, info.end.v - at.v);
        *lag += behind;
        if (behind > 0 && sink)
          sink->add(Violation{"lagging-group", topic, tp.partition, at, "group " + sub.name,
                              std::to_string(behind) + " records not consumed (end " +
                                  std::to_string(info.end.v) + ")"});
      }
    }
  }
  return Status::ok();
}

}  // namespace

Result<AuditReport> audit_log(const log::Log& log, const AuditOptions& options) {
  OS_ASSIGN_OR_RETURN(int32_t partitions, partitions_of(log, topics::kOrders));
  OS_ASSIGN_OR_RETURN(int32_t validation_partitions, partitions_of(log, topics::kOrderValidations));
  if (partitions != validation_partitions)
    return invalid_argument("orders (" + std::to_string(partitions) +
                            " partitions) and order-validations (" +
                            std::to_string(validation_partitions) + ") are not co-partitioned");
  Result<int32_t> by_product = partitions_of(log, topics::kOrdersByProduct);
  int32_t by_product_partitions = by_product.ok() ? *by_product : 0;

  // One snapshot for everything: a task's outputs, stores and offsets change in one txn, so
  // they agree with each other here even while the server runs.
  OS_ASSIGN_OR_RETURN(log::ReadView view, log.read_view());
  AuditReport report;
  ViolationSink sink(&report, options.max_violations);
  OS_ASSIGN_OR_RETURN(std::unordered_set<std::string> released,
                      released_reservations(view, by_product_partitions));
  std::map<std::string, int64_t> expected;
  OS_RETURN_IF_ERROR(audit_orders({&view, partitions, &options, &released}, sink, report.summary,
                                  &expected));
  OS_RETURN_IF_ERROR(check_reserved(view, by_product_partitions, expected, sink, report.summary));
  OS_RETURN_IF_ERROR(check_group_offsets(view, sink, report.summary));
  OS_RETURN_IF_ERROR(check_lag(log, view, options.expect_drained ? &sink : nullptr,
                              &report.summary.lag));
  std::stable_sort(report.violations.begin(), report.violations.end(),
                   [](const Violation& a, const Violation& b) {
                     return std::tie(a.topic, a.partition, a.offset) <
                            std::tie(b.topic, b.partition, b.offset);
                   });
  return report;
}

Result<int64_t> pipeline_lag(const log::Log& log) {
  OS_ASSIGN_OR_RETURN(log::ReadView view, log.read_view());
  int64_t lag = 0;
  OS_RETURN_IF_ERROR(check_lag(log, view, nullptr, &lag));
  return lag;
}

std::string format_violation(const Violation& v) {
  std::string s = v.kind + " topic=" + v.topic + " partition=" + std::to_string(v.partition.v);
  if (v.offset) s += " offset=" + std::to_string(v.offset->v);
  if (!v.where.empty()) s += " " + v.where;
  return s + ": " + v.message;
}

}  // namespace orderstream::services
