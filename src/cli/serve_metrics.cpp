#include "cli/serve_metrics.h"

#include <vector>

#include "common/guarded.h"

namespace orderstream::cli {

void add_write_metrics(metrics::Registry& registry, log::Log& log) {
  const std::vector<double> counts{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};
  log.set_metrics(log::LogMetrics{
      &registry.counter("log_commits_total", "LMDB commits that wrote (one fdatasync each when durable)"),
      &registry.histogram("log_writes_per_commit", "Writes (requests, task rounds) grouped into one commit",
                          {}, counts),
      &registry.histogram("log_records_per_commit", "Records appended per commit", {}, counts),
      &registry.histogram("log_commit_seconds", "Time of one commit, its fdatasync included"),
      &registry.histogram("log_sync_seconds", "Time of an explicit sync (meta page) for acknowledgements"),
  });
}

void add_log_metrics(metrics::Registry& registry, log::Log& log) {
  registry.gauge_fn("callback_exceptions_total",
                    "Callbacks (write completions, after-commit work) that threw; each was logged", {},
                    [] { return static_cast<double>(callback_exceptions()); });
  registry.gauge_fn("log_appended_records_total", "Records appended to the log since start", {},
                    [&log] { return static_cast<double>(log.appended_records()); });
  registry.gauge_fn("log_appended_bytes_total", "Bytes appended to the log since start", {},
                    [&log] { return static_cast<double>(log.appended_bytes()); });
  registry.gauge_fn("log_failed_partitions", "Partitions found damaged (read-only until repaired)",
                    {}, [&log] { return static_cast<double>(log.failed_partitions().size()); });
  // One series per partition (0 while healthy), like Kafka's per-partition offline state, so an
  // alert can name the partition.
  for (const log::TopicInfo& t : log.topics())
    for (int32_t p = 0; p < t.partitions; ++p) {
      log::TopicPartition tp{t.name, PartitionId(p)};
      registry.gauge_fn("log_partition_failed", "1 if the partition was found damaged (read-only)",
                        {{"topic", t.name}, {"partition", std::to_string(p)}}, [&log, tp] {
                          for (const log::PartitionFailure& f : log.failed_partitions())
                            if (f.tp == tp) return 1.0;
                          return 0.0;
                        });
    }
  registry.gauge_fn("log_storage_full", "1 while the LMDB map or the disk is full (writes refused)",
                    {}, [&log] { return log.health().storage_full.is_ok() ? 0.0 : 1.0; });
  registry.gauge_fn("log_no_space_errors_total", "Writes refused because the map or disk was full",
                    {}, [&log] { return static_cast<double>(log.health().no_space_errors); });
  registry.gauge_fn("log_write_failed", "1 after a failed commit or fdatasync (restart needed)", {},
                    [&log] { return log.health().write_failure.is_ok() ? 0.0 : 1.0; });
}

}  // namespace orderstream::cli
