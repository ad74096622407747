// `orderstream compact [TOPIC]` and `orderstream verify`: run compaction now, check every record.
// compact takes the writer lock, or, while `orderstream serve` holds it, asks that server to
// compact (server_client.h); verify reads a read-only snapshot.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "cli/server_client.h"

namespace orderstream::cli {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status compact(const GlobalOptions& g, const std::string& topic) {
  OS_ASSIGN_OR_RETURN(WriteTarget w, open_for_write(g, Access::kWrite));
  log::CleanerStats stats;
  if (w.server) {
    OS_ASSIGN_OR_RETURN(stats, w.server->compact(topic));  // with the server's clock
  } else {
    if (!topic.empty()) OS_RETURN_IF_ERROR(w.log->topic(topic).status());
    OS_ASSIGN_OR_RETURN(stats, w.log->compact(topic, now_ms()));
    OS_RETURN_IF_ERROR(w.log->sync());
  }
  std::printf("compacted %s: removed %lld records (%lld bytes), %lld of them tombstones\n",
              topic.empty() ? "every compacted topic" : topic.c_str(),
              static_cast<long long>(stats.records_removed),
              static_cast<long long>(stats.bytes_removed),
              static_cast<long long>(stats.tombstones_removed));
  return Status::ok();
}

Status verify(const GlobalOptions& g) {
  OS_ASSIGN_OR_RETURN(auto log, open_log(g, Access::kReadOnly));
  int64_t partitions = 0;
  for (const log::TopicInfo& t : log->topics()) partitions += t.partitions;
  Status st = log->verify([](const log::TopicPartition& tp, Offset off, const Status& problem) {
    std::printf("CORRUPT topic=%s partition=%d offset=%lld: %s\n", tp.topic.c_str(),
                tp.partition.v, static_cast<long long>(off.v), problem.message().c_str());
  });
  if (!st.is_ok()) return st.with_context("verify");
  std::printf("OK: %zu topics, %lld partitions, every record's CRC and offset order verified\n",
              log->topics().size(), static_cast<long long>(partitions));
  return Status::ok();
}

}  // namespace

void add_maintenance_commands(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto topic = std::make_shared<std::string>();
  const GlobalOptions* g = &global;
  CLI::App* c = app.add_subcommand(
      "compact", "Compact a topic now (default: every topic with cleanup.policy=compact)");
  c->add_option("topic", *topic, "Topic (any cleanup policy)");
  c->callback([=] { *exit_code = report(compact(*g, *topic)); });

  CLI::App* v = app.add_subcommand(
      "verify", "Check every record's CRC and every partition's offset order; non-zero if bad");
  v->callback([=] { *exit_code = report(verify(*g)); });
}

}  // namespace orderstream::cli
