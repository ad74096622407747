// `orderstream consume`: kcat -C for the embedded log. Replays or follows a topic, optionally as a
// consumer group that resumes from and commits its offsets. Reads a read-only open of the log;
// a group's commits go into the log (taking the writer lock), or, while `orderstream serve` holds
// it, through that server (server_client.h).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "cli/cluster_commands.h"
#include "cli/commands.h"
#include "cli/consume_args.h"
#include "cli/format.h"
#include "cli/server_client.h"

namespace orderstream::cli {
namespace {

using log::TopicPartition;

struct PartitionCursor {
  TopicPartition tp;
  Offset pos;
  Offset committed;  // what the group has committed (only with --group)
};

// The first offset to read in one partition.
Result<Offset> start_offset(const log::ReadView& view, const TopicPartition& tp,
                            const OffsetSpec& spec, const std::string& group) {
  OS_ASSIGN_OR_RETURN(log::PartitionInfo info, view.partition_info(tp));
  switch (spec.kind) {
    case OffsetSpec::kBeginning: return info.start;
    case OffsetSpec::kEnd: return info.end;
    case OffsetSpec::kFromEnd: return Offset(std::max(info.start.v, info.end.v - spec.n));
    case OffsetSpec::kTime: return view.offset_for_time(tp, spec.n);
    case OffsetSpec::kStored: {
      OS_ASSIGN_OR_RETURN(std::optional<Offset> c, view.committed(group, tp));
      if (!c) return info.start;  // a new group starts at the beginning
      if (*c < info.start) {
        warn("group '" + group + "' committed offset " + std::to_string(c->v) + " of " +
             tp.to_string() + " is no longer stored; starting at " + std::to_string(info.start.v));
        return info.start;
      }
      return std::min(*c, info.end);
    }
    case OffsetSpec::kAbsolute:
      if (spec.n > info.end.v)
        return invalid_argument("offset " + std::to_string(spec.n) + " is out of range for " +
                                tp.to_string() + ": valid offsets are " +
                                std::to_string(info.start.v) + ".." + std::to_string(info.end.v) +
                                " (" + std::to_string(info.end.v) + " = the next record)");
      if (spec.n < info.start.v) {
        warn("offset " + std::to_string(spec.n) + " of " + tp.to_string() +
             " is before the first stored offset; starting at " + std::to_string(info.start.v));
        return info.start;
      }
      return Offset(spec.n);
  }
  return info.start;
}

// Commits into `target`'s log, or through its server.
Status commit_group(const WriteTarget& target, const std::string& group, std::vector<PartitionCursor>& parts) {
  bool changed = false;
  for (const PartitionCursor& c : parts) changed |= c.pos != c.committed;
  if (!changed) return Status::ok();
  if (target.server) {
    std::vector<std::pair<TopicPartition, Offset>> offsets;
    for (const PartitionCursor& c : parts)
      if (c.pos != c.committed) offsets.emplace_back(c.tp, c.pos);
    OS_RETURN_IF_ERROR(target.server->commit_offsets(group, offsets));
  } else {
    OS_RETURN_IF_ERROR(target.log->write([&](log::WriteTxn& w) {
      for (const PartitionCursor& c : parts)
        if (c.pos != c.committed) OS_RETURN_IF_ERROR(w.commit_offset(group, c.tp, c.pos));
      return Status::ok();
    }));
  }
  for (PartitionCursor& c : parts) c.committed = c.pos;
  return Status::ok();
}

Status consume(const GlobalOptions& g, const ConsumeArgs& a) {
  if (a.cluster.enabled()) return cluster_consume(a);
  OS_ASSIGN_OR_RETURN(OffsetSpec spec, offset_of(a));
  std::optional<RecordFormat> fmt;
  if (!a.json) {
    OS_ASSIGN_OR_RETURN(fmt, RecordFormat::parse(a.format));
  }
  // A group commits offsets, which is a write: it needs the writer lock, or the server that holds
  // it. Beside a server, records and committed offsets are read from a read-only open.
  WriteTarget target;
  std::unique_ptr<log::Log> read_only;
  if (!a.group.empty()) {
    OS_ASSIGN_OR_RETURN(target, open_for_write(g, Access::kWrite));
  }
  if (!target.log) {
    OS_ASSIGN_OR_RETURN(read_only, open_log(g, Access::kReadOnly));
  }
  log::Log* log = target.log ? target.log.get() : read_only.get();
  OS_ASSIGN_OR_RETURN(log::TopicInfo topic, log->topic(a.topic));
  std::vector<PartitionCursor> parts;
  {
    OS_ASSIGN_OR_RETURN(log::ReadView view, log->read_view());
    for (int32_t p = 0; p < topic.partitions; ++p) {
      if (a.partition && *a.partition != p) continue;
      TopicPartition tp{topic.name, PartitionId(p)};
      OS_ASSIGN_OR_RETURN(Offset start, start_offset(view, tp, spec, a.group));
      Offset committed(-1);
      if (!a.group.empty()) {
        OS_ASSIGN_OR_RETURN(std::optional<Offset> c, view.committed(a.group, tp));
        if (c) committed = *c;
      }
      parts.push_back(PartitionCursor{tp, start, committed});
    }
  }
  if (parts.empty())
    return not_found("partition " + std::to_string(*a.partition) + " of topic '" + topic.name +
                     "' does not exist (it has " + std::to_string(topic.partitions) +
                     " partitions)");
  // Refused before anything is printed if the group is one of the server's stream tasks'.
  if (target.server) OS_RETURN_IF_ERROR(target.server->commit_offsets(a.group, {}));
  install_stop_signals();
  constexpr size_t kBatch = 1000;
  int64_t printed = 0;
  std::string out;
  uint64_t seen_version = log->version();
  while (!stop_requested()) {
    bool all_at_end = true;
    out.clear();
    {
      // A fresh snapshot each round sees what other processes committed since the last one.
      OS_ASSIGN_OR_RETURN(log::ReadView view, log->read_view());
      for (PartitionCursor& c : parts) {
        if (a.count && printed >= *a.count) break;
        size_t max = kBatch;
        if (a.count) max = std::min<size_t>(max, static_cast<size_t>(*a.count - printed));
        OS_ASSIGN_OR_RETURN(log::PartitionInfo info, view.partition_info(c.tp));
        if (c.pos < info.start) {
          warn("records " + std::to_string(c.pos.v) + ".." + std::to_string(info.start.v - 1) +
               " of " + c.tp.to_string() + " were deleted (retention) before being read");
          c.pos = info.start;
        }
        auto next = view.scan(c.tp, c.pos, max, [&](const log::RecordView& r) {
          if (fmt) fmt->append(c.tp.topic, c.tp.partition.v, r, &out);
          else append_json_record(c.tp.topic, c.tp.partition.v, r, &out);
          ++printed;
          return true;
        });
        if (!next.ok()) {
          // Print the good records before the bad one, then fail: corrupt data is never served.
          (void)write_stdout(out);
          return next.status();
        }
        c.pos = *next;
        if (c.pos < info.end) all_at_end = false;
      }
    }
    OS_ASSIGN_OR_RETURN(bool open, write_stdout(out));
    if (!open) break;  // the reader closed the pipe: a clean stop
    if (!a.group.empty()) OS_RETURN_IF_ERROR(commit_group(target, a.group, parts));
    if (a.count && printed >= *a.count) break;
    if (all_at_end) {
      if (a.exit_at_end) break;
      // Another process (a server) may be appending: poll every 100 ms. Writes of this process
      // wake the wait at once.
      seen_version = log->wait_for_change(seen_version, std::chrono::milliseconds(100));
    }
  }
  if (!a.group.empty()) OS_RETURN_IF_ERROR(commit_group(target, a.group, parts));
  return Status::ok();
}

}  // namespace

void add_consume_command(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto a = std::make_shared<ConsumeArgs>();
  CLI::App* c = app.add_subcommand(
      "consume", "Print a topic's records (kcat -C): replay with --exit, or follow live");
  c->add_option("topic", a->topic, "Topic to read")->required();
  c->add_option("--partition,-p", a->partition, "Only this partition (default: all)")
      // Not NonNegativeNumber: its error message prints DBL_MAX in full.
      ->check(CLI::Range(0, std::numeric_limits<int32_t>::max()));
  c->add_option("--offset,-o", a->offset,
                "Where to start in each partition: beginning, end, stored (the group's), N, -N "
                "(N before the end) or s@MS (first record with timestamp >= MS). Default: stored "
                "with --group, else beginning");
  c->add_option("--count,-c", a->count, "Stop after N records")
      ->check(CLI::Range(int64_t{1}, std::numeric_limits<int64_t>::max()));
  c->add_flag("--exit,-e", a->exit_at_end, "Stop at the end of every partition instead of following");
  c->add_option("--group,-G", a->group,
                "Consumer group: resume from and commit its offsets (needs the writer lock, or "
                "goes through the running server; on a cluster, the group's coordinator)");
  c->add_option("--format,-f", a->format,
                "Output format: %t topic, %p partition, %o offset, %k key, %s payload, "
                "%T timestamp, %h headers, %K key length, %S payload length; \\n \\t")
      ->excludes(c->add_flag("--json,-J", a->json,
                             "One JSON object per line: topic, partition, offset, ts, key, "
                             "payload, headers"));
  add_cluster_options(c, &a->cluster);
  c->callback([=, g = &global] { *exit_code = report(consume(*g, *a)); });
}

}  // namespace orderstream::cli
