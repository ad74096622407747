// `orderstream groups list|describe|reset`: kafka-consumer-groups for the embedded log. Reads a
// read-only snapshot; `reset --execute` commits into the log (taking the writer lock) or, while
// `orderstream serve` holds it, through that server (server_client.h).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/cluster_commands.h"
#include "cli/commands.h"
#include "cli/server_client.h"

namespace orderstream::cli {
namespace {

using log::TopicPartition;

struct GroupsArgs {
  std::string group;
  std::string topic;
  std::optional<int32_t> partition;
  bool to_earliest = false, to_latest = false;
  std::optional<int64_t> to_offset, shift_by;
  std::string to_datetime;
  bool execute = false;
  std::vector<std::string> topics;  // describe: only these (on a cluster: required)
  ClusterArgs cluster;              // describe: a Kafka cluster instead of the log
};

Status groups_list(const GlobalOptions& g) {
  OS_ASSIGN_OR_RETURN(auto log, open_log(g, Access::kReadOnly));
  OS_ASSIGN_OR_RETURN(log::ReadView view, log->read_view());
  OS_ASSIGN_OR_RETURN(std::vector<log::GroupOffset> offsets, view.group_offsets(std::nullopt));
  std::set<std::string> names;
  for (const log::GroupOffset& o : offsets) names.insert(o.group);
  for (const std::string& n : names) std::printf("%s\n", n.c_str());
  return Status::ok();
}

Status groups_describe(const GlobalOptions& g, const GroupsArgs& a) {
  OS_ASSIGN_OR_RETURN(auto log, open_log(g, Access::kReadOnly));
  OS_ASSIGN_OR_RETURN(log::ReadView view, log->read_view());
  std::optional<std::string_view> only;
  if (!a.group.empty()) only = a.group;
  OS_ASSIGN_OR_RETURN(std::vector<log::GroupOffset> offsets, view.group_offsets(only));
  if (!a.group.empty() && offsets.empty())
    return not_found("consumer group '" + a.group + "' has no committed offsets");
  std::printf("%-24s %-24s %9s %15s %15s %10s\n", "GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET",
              "LOG-END-OFFSET", "LAG");
  for (const log::GroupOffset& o : offsets) {
    if (!a.topics.empty() && std::find(a.topics.begin(), a.topics.end(), o.tp.topic) == a.topics.end()) continue;
    auto info = view.partition_info(o.tp);
    // A topic created after this process opened the log is not known here: show '-'.
    std::string end = info.ok() ? std::to_string(info->end.v) : "-";
    std::string lag = info.ok() ? std::to_string(std::max<int64_t>(0, info->end.v - o.offset.v)) : "-";
    std::printf("%-24s %-24s %9d %15lld %15s %10s\n", o.group.c_str(), o.tp.topic.c_str(),
                o.tp.partition.v, static_cast<long long>(o.offset.v), end.c_str(), lag.c_str());
  }
  return Status::ok();
}

// "2024-05-01T12:00:00[.123][Z|+02:00|-0130]" -> ms since the epoch. No zone means UTC.
Result<int64_t> parse_iso8601(const std::string& s) {
  std::tm tm{};
  int ms = 0;
  const char* p = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (p == nullptr) p = strptime(s.c_str(), "%Y-%m-%d", &tm);
  auto bad = [&] {
    return invalid_argument("--to-datetime must be ISO 8601 like 2024-05-01T12:00:00.000Z, got '" +
                            s + "'");
  };
  if (p == nullptr) return bad();
  if (*p == '.') {
    ++p;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
      if (digits++ < 3) ms = ms * 10 + (*p - '0');
      ++p;
    }
    if (digits == 0) return bad();
    for (; digits < 3; ++digits) ms *= 10;
  }
  int64_t offset_s = 0;
  if (*p == 'Z') {
    ++p;
  } else if (*p == '+' || *p == '-') {
    int sign = *p == '-' ? -1 : 1;
    int hh = 0, mm = 0;
    if (std::sscanf(p + 1, "%2d:%2d", &hh, &mm) == 2) p += 6;
    else if (std::sscanf(p + 1, "%2d%2d", &hh, &mm) == 2) p += 5;
    else return bad();
    offset_s = sign * (hh * 3600 + mm * 60);
  }
  if (*p != '\0') return bad();
  int64_t secs = static_cast<int64_t>(timegm(&tm)) - offset_s;
  return secs * 1000 + ms;
}

Status groups_reset(const GlobalOptions& g, const GroupsArgs& a) {
  int modes = a.to_earliest + a.to_latest + a.to_offset.has_value() + a.shift_by.has_value() +
              !a.to_datetime.empty();
  if (modes != 1)
    return invalid_argument(
        "give exactly one of --to-earliest, --to-latest, --to-offset, --shift-by, --to-datetime");
  std::optional<int64_t> ts;
  if (!a.to_datetime.empty()) {
    OS_ASSIGN_OR_RETURN(ts, parse_iso8601(a.to_datetime));
  }
  // A dry run only reads; --execute commits, which needs the writer lock or the server that
  // holds it (the plan is then made from a read-only open).
  WriteTarget target;
  std::unique_ptr<log::Log> read_only;
  if (a.execute) {
    OS_ASSIGN_OR_RETURN(target, open_for_write(g, Access::kWrite));
  }
  if (!target.log) {
    OS_ASSIGN_OR_RETURN(read_only, open_log(g, Access::kReadOnly));
  }
  log::Log* log = target.log ? target.log.get() : read_only.get();
  OS_ASSIGN_OR_RETURN(log::TopicInfo topic, log->topic(a.topic));
  if (a.partition && *a.partition >= topic.partitions)
    return not_found("partition " + std::to_string(*a.partition) + " of topic '" + topic.name +
                     "' does not exist (it has " + std::to_string(topic.partitions) +
                     " partitions)");
  std::vector<std::pair<TopicPartition, Offset>> plan;
  {
    OS_ASSIGN_OR_RETURN(log::ReadView view, log->read_view());
    for (int32_t p = 0; p < topic.partitions; ++p) {
      if (a.partition && *a.partition != p) continue;
      TopicPartition tp{topic.name, PartitionId(p)};
      OS_ASSIGN_OR_RETURN(log::PartitionInfo info, view.partition_info(tp));
      OS_ASSIGN_OR_RETURN(std::optional<Offset> current, view.committed(a.group, tp));
      int64_t target = 0;
      if (a.to_earliest) target = info.start.v;
      else if (a.to_latest) target = info.end.v;
      else if (a.to_offset) target = *a.to_offset;
      else if (a.shift_by) target = (current ? current->v : info.start.v) + *a.shift_by;
      else {
        OS_ASSIGN_OR_RETURN(Offset o, view.offset_for_time(tp, *ts));
        target = o.v;
      }
      // As Kafka does, new offsets are clamped into the stored range [start, end].
      target = std::clamp(target, info.start.v, info.end.v);
      plan.emplace_back(tp, Offset(target));
    }
  }
  if (target.server) {
    OS_RETURN_IF_ERROR(target.server->commit_offsets(a.group, plan));  // 403 for a task's group
  } else if (a.execute) {
    OS_RETURN_IF_ERROR(log->write([&](log::WriteTxn& w) {
      for (const auto& [tp, off] : plan) OS_RETURN_IF_ERROR(w.commit_offset(a.group, tp, off));
      return Status::ok();
    }));
    OS_RETURN_IF_ERROR(log->sync());
  }
  std::printf("%-24s %-24s %9s %15s\n", "GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
  for (const auto& [tp, off] : plan)
    std::printf("%-24s %-24s %9d %15lld\n", a.group.c_str(), tp.topic.c_str(), tp.partition.v,
                static_cast<long long>(off.v));
  if (!a.execute)
    std::fprintf(stderr, "dry run: nothing was changed; add --execute to commit these offsets\n");
  return Status::ok();
}

}  // namespace

void add_groups_commands(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto a = std::make_shared<GroupsArgs>();
  const GlobalOptions* g = &global;
  CLI::App* groups = app.add_subcommand("groups", "List, describe and reset consumer groups");
  groups->require_subcommand(1);

  CLI::App* list = groups->add_subcommand("list", "Names of groups with committed offsets");
  list->callback([=] { *exit_code = report(groups_list(*g)); });

  CLI::App* describe = groups->add_subcommand(
      "describe", "Committed offsets, log-end offsets and lag of one group (default: all)");
  describe->add_option("group", a->group, "Group name");
  describe->add_option("--topic", a->topics, "Only this topic's partitions; repeatable (needed on a cluster)")
      ->allow_extra_args(false);
  add_cluster_options(describe, &a->cluster);
  describe->callback([=] {
    *exit_code = report(a->cluster.enabled() ? cluster_groups_describe(a->cluster, a->group, a->topics)
                                             : groups_describe(*g, *a));
  });

  CLI::App* reset = groups->add_subcommand(
      "reset", "Plan (or with --execute, commit) new offsets for a group on a topic");
  reset->add_option("group", a->group, "Group name")->required();
  reset->add_option("--topic", a->topic, "Topic")->required();
  reset->add_option("--partition,-p", a->partition, "Only this partition (default: all)")
      // Not NonNegativeNumber: its error message prints DBL_MAX in full.
      ->check(CLI::Range(0, std::numeric_limits<int32_t>::max()));
  reset->add_flag("--to-earliest", a->to_earliest, "The first stored offset");
  reset->add_flag("--to-latest", a->to_latest, "The log-end offset");
  reset->add_option("--to-offset", a->to_offset, "Offset N (clamped into [start, end])");
  reset->add_option("--shift-by", a->shift_by, "Current offset plus N (N may be negative)");
  reset->add_option("--to-datetime", a->to_datetime,
                    "First record at or after an ISO 8601 time (UTC unless a zone is given)");
  reset->add_flag("--execute", a->execute, "Commit the plan (default: print it only)");
  reset->callback([=] { *exit_code = report(groups_reset(*g, *a)); });
}

}  // namespace orderstream::cli
