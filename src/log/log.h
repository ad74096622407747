// The embedded, partitioned, append-only log on one LMDB environment (one data directory):
// topics, partitions, records, consumer-group offsets and the stream runtime's state stores, all
// writable in one atomic transaction. Log is thread-safe; a ReadView or WriteTxn belongs to the
// thread that made it and must die before the Log.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "common/strong_int.h"
#include "log/read_view.h"
#include "log/record.h"
#include "log/topic_config.h"
#include "log/write_txn.h"

namespace orderstream::log {

// When answers may be given. In both modes every commit fdatasyncs its pages before its meta
// page is written (MDB_NOMETASYNC), so neither a process crash nor a power cut can damage the
// file: a power cut undoes at most the latest commit, whose meta page the next commit's
// fdatasync (or sync()) makes durable. The mode is the server's promise on top of that.
enum class SyncMode {
  // Nothing is answered before the commit behind it is durable (sync_to / sync_through).
  kDurable,
  // Answers follow the commit at once: a power cut can take back the latest commit, acknowledged
  // writes included (the pipeline recomputes what it held), never more, never the log.
  kLazy,
};

struct LogOptions {
  std::string dir = "./data";
  uint64_t map_size_bytes = 16ull << 30;  // virtual; the file grows only as data is written
  unsigned max_dbs = 4096;                // one per topic-partition plus a few
  bool read_only = false;         // MDB_RDONLY: safe beside a live writer in another process
  bool create_if_missing = false;  // create the directory and a new log if absent
  SyncMode sync_mode = SyncMode::kDurable;
  bool paranoid = false;           // verify every record on open and fail the open on corruption
  int tail_check_records = 64;     // records verified at each partition's tail on open
};

struct TopicInfo {
  std::string name;
  int32_t partitions = 0;
  TopicConfig config;
};

struct CleanerStats {
  int64_t records_removed = 0;
  int64_t bytes_removed = 0;
  int64_t tombstones_removed = 0;
};

// A partition found damaged (on open, or by a later read): readable up to the damage, refusing
// appends, until repaired.
struct PartitionFailure {
  TopicPartition tp;
  Offset offset;  // the first damaged offset found
  Status status;  // Corruption, naming the partition and offset
};

// The faults the log has seen since open, for /health and /metrics.
struct LogHealth {
  std::vector<PartitionFailure> failed_partitions;
  // NoSpace from the latest write that found the LMDB map or the disk full; OK again once a
  // commit succeeds (space was freed, or another write fit).
  Status storage_full;
  // Non-OK after a failed commit or fdatasync: every write fails until the log is reopened.
  Status write_failure;
  int64_t no_space_errors = 0;  // writes refused for lack of space since open
};

// Where the write pipeline reports, for a user tuning it (all optional; owned by a Registry
// that outlives the Log).
struct LogMetrics {
  metrics::Counter* commits = nullptr;            // LMDB commits that wrote
  metrics::Histogram* writes_per_commit = nullptr;   // Log::write calls grouped per commit
  metrics::Histogram* records_per_commit = nullptr;  // records appended per commit
  metrics::Histogram* commit_seconds = nullptr;   // commit, its fdatasync included (durable)
  metrics::Histogram* sync_seconds = nullptr;     // explicit syncs (sync_to) that flushed
};

// One LMDB database: its name ("t/<topic>/<partition>", "s/<store>", "__meta", ...; "(free)"
// is LMDB's free-page list, "(main)" the directory of names) and its B-tree's pages.
struct DatabaseStats {
  std::string name;
  uint64_t entries = 0;
  uint32_t depth = 0;
  uint64_t branch_pages = 0;
  uint64_t leaf_pages = 0;
  uint64_t overflow_pages = 0;
  uint64_t pages() const { return branch_pages + leaf_pages + overflow_pages; }
};
struct DiskStats {
  uint32_t page_size = 0;
  uint64_t file_bytes = 0;  // data.mdb on disk
  uint64_t used_pages = 0;  // pages up to the last one in use (the rest of the file is unused)
  std::vector<DatabaseStats> databases;  // in name order, "(free)" and "(main)" first
};

// Called for each problem verify() finds.
using CorruptionReporter = std::function<void(const TopicPartition&, Offset, const Status&)>;

class Log {
 public:
  using WriteFn = std::function<Status(WriteTxn&)>;
  // Opens (or, with create_if_missing, creates) the log in options.dir. Errors: NotFound (no such
  // directory or no log in it), InvalidArgument (a directory that is not an orderstream log),
  // Busy (another process holds it for writing), Corruption (paranoid mode found a bad record).
  static Result<std::unique_ptr<Log>> open(const LogOptions& options);
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // --- topics. Conflict if the topic exists; NotFound if it does not.
  Status create_topic(const std::string& name, int32_t partitions, const TopicConfig& config);
  Status delete_topic(const std::string& name);
  Status alter_topic(const std::string& name, const TopicConfig& config);
  std::vector<TopicInfo> topics() const;
  Result<TopicInfo> topic(const std::string& name) const;

  // --- reads: a consistent snapshot of everything committed so far.
  Result<ReadView> read_view() const;

  // --- writes. Runs fn inside an LMDB write txn and commits it if fn returns OK; otherwise
  // returns fn's Status and none of fn's changes are kept. Concurrent calls share one txn and one
  // commit (group commit), so fn may run more than once (when another write of its group fails):
  // it must change things only through the WriteTxn, or reset what it captures when it starts.
  // The commit survives a process crash; call sync() to survive an OS crash or power loss.
  // After a failed commit every later write fails with that Status (sticky) until reopen.
  Status write(const std::function<Status(WriteTxn&)>& fn);
  // Runs each fns[i] as its own write, as if each called write(): out[i] gets its Status, one
  // that fails leaves the others alone. They share one txn and commit when they fit in one
  // group. REQUIRES: out.size() == fns.size().
  void write_all(std::span<const WriteFn> fns, std::span<Status> out);
  // Makes every commit so far durable. Concurrent callers share one fdatasync (group commit).
  Status sync();
  // Makes the commits up to `version` (a value of version()) durable. Returns at once when a
  // later commit already did: in durable mode each commit's fdatasync also flushes the meta
  // pages of the commits before it, so under steady writes acknowledgements need no sync.
  Status sync_to(uint64_t version);
  // The version() up to which every commit is known to be durable.
  uint64_t durable_version() const;
  // --- durable answers, on LMDB's own commit numbering. commit_point(): every commit that a
  // read begun before this call can see is at or before it (cheap, no lock). durable_through:
  // whether all of them are durable now. sync_through: makes them durable (one shared
  // fdatasync, none when a later commit's already did). A server answers from a read only once
  // durable_through(the point taken after the read) holds, like Kafka's high watermark.
  uint64_t commit_point() const;
  bool durable_through(uint64_t point) const;
  Status sync_through(uint64_t point);
  // Appends records to one partition (or by key / round robin when partition is nullopt).
  Result<std::vector<Offset>> append(const std::string& topic, std::optional<PartitionId> partition,
                                     std::span<const RecordData> records);

  // --- wake-ups. version() grows with every commit. wait_for_change blocks until version() !=
  // seen, the timeout passes, or shutdown() was called; returns the current version.
  uint64_t version() const;
  uint64_t wait_for_change(uint64_t seen, std::chrono::milliseconds timeout) const;
  // Called after every commit, on the committing thread, with the log's wake-up lock held: it
  // must be quick and must not call back into the log (a post to an io_context is). Empty: none.
  void set_commit_listener(std::function<void()> listener);
  // Wakes every waiter and makes later waits return at once. Idempotent.
  void shutdown();
  bool is_shut_down() const;

  // --- maintenance (writes; run by the cleaner thread or the CLI).
  // Compacts `topic` (all compacted topics when empty): keeps the latest record per key, drops
  // tombstones older than delete.retention.ms. Offsets never change.
  Result<CleanerStats> compact(const std::string& topic, int64_t now_ms);
  // Deletes from each partition's head what is past retention.ms or over retention.bytes.
  Result<CleanerStats> enforce_retention(int64_t now_ms);
  // Checks every record's CRC, offsets against partition metadata, and counts. OK if clean.
  Status verify(const CorruptionReporter& report) const;
  // Page counts of every LMDB database in the environment (what `mdb_stat -a` shows), read
  // from one snapshot. REQUIRES: a log opened read-only (the CLI's): LMDB forbids opening
  // database handles beside another txn of the same process that may open some.
  Result<DiskStats> disk_stats() const;
  // Partitions found corrupt on open or by a read since (a scan that met a bad record):
  // readable up to the damage, refusing appends. In the order they were found.
  std::vector<PartitionFailure> failed_partitions() const;
  // Thread-safe and cheap (one small mutex, no LMDB access): safe on the HTTP thread.
  LogHealth health() const;

  const LogOptions& options() const;
  // REQUIRES: called before any concurrent write (at startup).
  void set_metrics(LogMetrics m);
  // Records and stored bytes appended since open (for metrics).
  int64_t appended_records() const;
  int64_t appended_bytes() const;

 private:
  explicit Log(std::unique_ptr<LogImpl> impl);
  std::unique_ptr<LogImpl> impl_;
};

}  // namespace orderstream::log
