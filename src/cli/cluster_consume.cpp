// consume --bootstrap-servers: kcat -C against an Apache Kafka cluster (cluster_commands.h), with
// the embedded reader's --offset forms, formats and group commits.
#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "cli/cluster_commands.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cluster/cluster_metadata.h"
#include "cluster/partition_reader.h"

namespace orderstream::cli {
namespace {

using cluster::ClusterPartition;

// The first offset to read in each partition, as consume_cmd.cpp's start_offset has it.
Result<std::vector<cluster::PartitionStart>> starts_of(cluster::KafkaClient& client, const ConsumeArgs& a,
                                                       const OffsetSpec& spec,
                                                       const std::vector<ClusterPartition>& parts) {
  std::vector<int32_t> ids;
  for (const ClusterPartition& p : parts) ids.push_back(p.id);
  std::vector<std::optional<int64_t>> committed(parts.size());
  std::vector<int64_t> by_time;
  if (spec.kind == OffsetSpec::kStored) {
    OS_ASSIGN_OR_RETURN(committed, cluster::committed_offsets(client, a.topic, ids));
  }
  if (spec.kind == OffsetSpec::kTime) {
    OS_ASSIGN_OR_RETURN(by_time, cluster::offsets_for_time(client, a.topic, ids, spec.n));
  }
  std::vector<cluster::PartitionStart> out;
  for (size_t i = 0; i < parts.size(); ++i) {
    const ClusterPartition& p = parts[i];
    std::string tp = a.topic + "/" + std::to_string(p.id);
    int64_t at = p.start;
    switch (spec.kind) {
      case OffsetSpec::kBeginning: break;
      case OffsetSpec::kEnd: at = p.end; break;
      case OffsetSpec::kFromEnd: at = std::max(p.start, p.end - spec.n); break;
      case OffsetSpec::kTime: at = by_time[i] < 0 ? p.end : by_time[i]; break;
      case OffsetSpec::kStored:
        if (committed[i] && *committed[i] < p.start)
          warn("group '" + a.group + "' committed offset " + std::to_string(*committed[i]) + " of " + tp +
               " is no longer stored; starting at " + std::to_string(p.start));
        else if (committed[i])
          at = std::min(*committed[i], p.end);
        break;
      case OffsetSpec::kAbsolute:
        if (spec.n > p.end)
          return invalid_argument("offset " + std::to_string(spec.n) + " is out of range for " + tp +
                                  ": valid offsets are " + std::to_string(p.start) + ".." +
                                  std::to_string(p.end) + " (" + std::to_string(p.end) + " = the next record)");
        if (spec.n < p.start)
          warn("offset " + std::to_string(spec.n) + " of " + tp +
               " is before the first stored offset; starting at " + std::to_string(p.start));
        else
          at = spec.n;
        break;
    }
    out.push_back({p.id, at});
  }
  return out;
}

}  // namespace

Status cluster_consume(const ConsumeArgs& a) {
  OS_ASSIGN_OR_RETURN(OffsetSpec spec, offset_of(a));
  std::optional<RecordFormat> fmt;
  if (!a.json) {
    OS_ASSIGN_OR_RETURN(fmt, RecordFormat::parse(a.format));
  }
  OS_ASSIGN_OR_RETURN(auto client, cluster_client(a.cluster, cluster::KafkaClient::Kind::kConsumer, a.group));
  OS_ASSIGN_OR_RETURN(cluster::ClusterTopic topic, cluster::describe_topic(*client, a.topic));
  std::vector<ClusterPartition> parts;
  for (const ClusterPartition& p : topic.partitions)
    if (!a.partition || *a.partition == p.id) parts.push_back(p);
  if (parts.empty())
    return not_found("partition " + std::to_string(*a.partition) + " of topic '" + a.topic +
                     "' does not exist (it has " + std::to_string(topic.partitions.size()) + " partitions)");
  topic.partitions = parts;
  OS_RETURN_IF_ERROR(cluster::fill_offsets(*client, &topic));
  OS_ASSIGN_OR_RETURN(std::vector<cluster::PartitionStart> starts, starts_of(*client, a, spec, topic.partitions));

  // Per partition: the next offset to read (what a group commits) and whether it is at the end.
  struct Cursor {
    int64_t next, committed;
    bool at_end;
  };
  std::map<int32_t, Cursor> cursors;
  for (size_t i = 0; i < starts.size(); ++i)
    cursors[starts[i].partition] = Cursor{starts[i].offset, -1, starts[i].offset >= topic.partitions[i].end};
  auto commit = [&]() -> Status {
    if (a.group.empty()) return Status::ok();
    std::vector<std::pair<int32_t, int64_t>> next;
    for (auto& [p, c] : cursors)
      if (c.next != c.committed) next.emplace_back(p, c.next);
    OS_RETURN_IF_ERROR(cluster::commit_offsets(*client, a.topic, next));
    for (auto& [p, c] : cursors) c.committed = c.next;
    return Status::ok();
  };

  cluster::PartitionReader reader(*client, a.topic);
  OS_RETURN_IF_ERROR(reader.assign(starts));
  install_stop_signals();
  int64_t printed = 0;
  std::string out;
  while (!stop_requested()) {
    out.clear();
    Status st = reader.poll(
        std::chrono::milliseconds(100),
        [&](int32_t p, const log::RecordView& r) {
          if (fmt) fmt->append(a.topic, p, r, &out);
          else append_json_record(a.topic, p, r, &out);
          ++printed;
          Cursor& c = cursors[p];
          c.next = r.offset.v + 1;
          c.at_end = false;
          return !(a.count && printed >= *a.count);
        },
        [&](int32_t p) { cursors[p].at_end = true; });
    OS_ASSIGN_OR_RETURN(bool open, write_stdout(out));
    OS_RETURN_IF_ERROR(st);
    if (!open) break;  // the reader closed the pipe: a clean stop
    OS_RETURN_IF_ERROR(commit());
    if (a.count && printed >= *a.count) break;
    if (a.exit_at_end &&
        std::all_of(cursors.begin(), cursors.end(), [](const auto& kv) { return kv.second.at_end; }))
      break;
  }
  return commit();
}

}  // namespace orderstream::cli
