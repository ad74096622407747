// Internal state of a Log shared by log.cpp, log_open.cpp, read_view.cpp, write_txn.cpp and
// cleaner.cpp. Not part of the public surface.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <cstring>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/check.h"
#include "log/lmdb_env.h"
#include "log/log.h"

namespace orderstream::log {

// Positions of one partition as of the last commit (or, inside a WriteTxn, uncommitted).
struct PartitionState {
  MDB_dbi dbi = 0;
  std::string meta_key;  // its row in __meta
  Offset start;
  Offset end;
  int64_t count = 0;
  int64_t bytes = 0;
};

struct TopicState {
  TopicInfo info;
  std::vector<std::unique_ptr<PartitionState>> parts;
  std::atomic<uint32_t> round_robin{0};
};

// Keys of the __meta database.
std::string topic_meta_key(std::string_view topic);
std::string partition_meta_key(const TopicPartition& tp);
std::string partition_db_name(const TopicPartition& tp);
std::string encode_topic_meta(int32_t partitions, const TopicConfig& config);
std::string encode_partition_meta(const PartitionState& s);
bool decode_partition_meta(std::string_view v, PartitionState* s);
std::string offset_key(Offset o);  // 8 bytes big-endian
std::string group_key(std::string_view group, const TopicPartition& tp);
// The LMDB database of state store `store`.
std::string store_db_name(std::string_view store);
constexpr std::string_view kStoreDbPrefix = "s/";
// Databases create_topic leaves free for state stores, which tasks create as they first write.
constexpr size_t kDatabasesKeptForStores = 256;

// A store key as stored: behind one tag byte, so that the empty key (which LMDB refuses) is a
// key like any other; order is kept. Built on the stack: no allocation per lookup.
class StoredKey {
 public:
  // REQUIRES: key.size() <= ReadView::kMaxStoreKeyBytes (callers check; longer keys cannot be
  // stored).
  explicit StoredKey(std::string_view key) : size_(key.size() + 1) {
    OS_CHECK(key.size() <= ReadView::kMaxStoreKeyBytes);
    buf_[0] = 'k';
    std::memcpy(buf_ + 1, key.data(), key.size());
  }
  std::string_view view() const { return std::string_view(buf_, size_); }

 private:
  char buf_[1 + ReadView::kMaxStoreKeyBytes];
  size_t size_;
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StoreDbis = std::unordered_map<std::string, MDB_dbi, StringHash, std::equal_to<>>;

// Version 2 keeps each state store in its own database; version 1 kept them all in `__state`
// (keys "store\0key") and is upgraded by the first writable open.
constexpr std::string_view kFormatMarker = "orderstream-log 2";
constexpr std::string_view kFormatMarkerV1 = "orderstream-log 1";

struct LogImpl {
  LogOptions options;
  LmdbEnv env;
  MDB_dbi meta_dbi = 0, groups_dbi = 0;

  // State stores' databases. Published after the commit that created them; the writer (under
  // write_mu) also sees the ones its current group created (pending: LMDB closes them if the
  // txn aborts). Readers look up under a shared lock.
  mutable std::shared_mutex stores_mu;
  StoreDbis store_dbis;          // GUARDED_BY(stores_mu); written only under write_mu too
  StoreDbis pending_store_dbis;  // GUARDED_BY(write_mu)
  int lock_fd = -1;

  // Guards the topic map. Topic and partition objects stay put until their topic is deleted.
  mutable std::shared_mutex topics_mu;
  std::map<std::string, std::unique_ptr<TopicState>, std::less<>> topics;
  // Databases of deleted topics' partitions: emptied but still open (their handles stay taken
  // until a topic of that name reuses them or the log is reopened). GUARDED_BY(topics_mu).
  std::set<std::string> emptied_partition_dbs;

  // Group commit (LevelDB's writer queue): writers queue up; the one at the front leads, runs
  // every queued write in one LMDB txn and completes the others with their own Status.
  struct QueuedWrite {
    const std::function<Status(WriteTxn&)>* fn;
    Status status;
    bool done = false;
  };
  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::deque<QueuedWrite*> queue;  // GUARDED_BY(queue_mu)

  std::mutex write_mu;  // held by the leader while it runs a group
  Status sticky;        // GUARDED_BY(write_mu): a failed commit poisons later writes

  // Faults for health(). Its own mutex: readers mark damage from any thread (a WriteTxn's scan
  // included, under write_mu), and /health must never wait behind a commit's fdatasync.
  mutable std::mutex faults_mu;
  mutable std::vector<PartitionFailure> failures;  // GUARDED_BY(faults_mu); read-only partitions
  mutable std::atomic<bool> any_failure{false};    // lets appends skip faults_mu while none
  Status storage_full;   // GUARDED_BY(faults_mu): the last NoSpace, until a commit succeeds
  Status write_failure;  // GUARDED_BY(faults_mu): a copy of `sticky` for health()
  std::atomic<bool> storage_full_set{false};
  std::atomic<int64_t> no_space_errors{0};

  mutable std::mutex wake_mu;
  mutable std::condition_variable wake_cv;
  std::atomic<uint64_t> version{0};
  std::function<void()> commit_listener;  // GUARDED_BY(wake_mu): Log::set_commit_listener
  std::atomic<bool> shut_down{false};

  mutable std::mutex sync_mu;
  std::condition_variable sync_cv;
  uint64_t synced_version = 0;  // GUARDED_BY(sync_mu)
  // The LMDB txn id up to which every commit is durable (Log::commit_point()'s scale).
  uint64_t durable_txn = 0;     // GUARDED_BY(sync_mu)
  bool syncing = false;         // GUARDED_BY(sync_mu)
  // Runs one fdatasync for every caller until done() holds (under sync_mu), sharing a sync in
  // progress when it covers them. REQUIRES: !sync_mu.
  Status sync_until(const std::function<bool()>& done);

  LogMetrics metrics;  // set at startup, before concurrent writes
  std::atomic<int64_t> appended_records{0};
  std::atomic<int64_t> appended_bytes{0};

  ~LogImpl();
  // The database of `store`, or nullopt if it was never created. with_pending: also the ones
  // the running group created (REQUIRES write_mu then).
  std::optional<MDB_dbi> find_store(std::string_view store, bool with_pending) const;
  // The database of `store` for writing in txn, created if missing. REQUIRES write_mu.
  Result<MDB_dbi> store_for_write(LmdbTxn& txn, std::string_view store);
  // After a group's txn: publish (committed) or forget (aborted) the stores it created.
  void end_store_creation(bool committed);
  // Opens every store database (on open) and upgrades a version-1 `__state` (writable open).
  Status load_stores(LmdbTxn& txn, bool upgrade_v1);
  Result<TopicState*> find_topic(std::string_view name) const;
  // LMDB databases open now: __meta and the groups', one per partition, one per state store.
  size_t open_databases() const;
  // How many of those creating `topic` with `partitions` partitions would add (a deleted topic's
  // emptied databases are taken over by one of the same name).
  size_t new_databases(const std::string& topic, int32_t partitions) const;
  Result<PartitionState*> find(const TopicPartition& tp) const;
  Result<ReadView> read_view() const;
  // OK, or the Corruption that made tp read-only. Appends and the cleaner refuse a failed one.
  Status partition_failure(const TopicPartition& tp) const;
  // Makes tp read-only (first damage found wins) and logs it once. Returns `st` for chaining.
  // Any thread; never takes topics_mu or write_mu.
  Status mark_failed(const TopicPartition& tp, Offset offset, Status st) const;
  // Drops the failures of a deleted topic (a topic created again under its name starts clean).
  void forget_failures(std::string_view topic);
  // Health bookkeeping of run_group: a NoSpace is noted; REQUIRES write_mu for set_sticky.
  void note_no_space(const Status& st);
  void note_commit_ok();
  void set_sticky(const Status& st);
  // Runs fn in a write txn shared with concurrent writers (group commit); publishes dirty
  // partition states and wakes readers after the commit.
  Status write(const std::function<Status(WriteTxn&)>& fn);
  // Queues every fn as its own write (each gets its own Status in out) and returns once all
  // are done; they share group commits with each other and with concurrent writers.
  void write_all(std::span<const std::function<Status(WriteTxn&)>> fns, std::span<Status> out);
  // Runs a group in one txn. A write whose fn fails gets its Status and is left out: the txn is
  // redone without it, so the others never see its effects. A write that does not fit (NoSpace)
  // fails the writes after it in the group too.
  void run_group(const std::vector<QueuedWrite*>& group);
  // Writes the partition metadata of `batch` and commits txn (which is over either way).
  // *commit_failed: the error came from the commit itself (then possibly half-written).
  Status commit_group(LmdbTxn& txn, const DirtyPartitions& batch, bool* commit_failed);
  void wake();
  // OK if `name` is in __meta as seen by w (the write lock serializes this with other changes).
  Status topic_exists(WriteTxn& w, const std::string& name) const;
  Status create_topic(const std::string& name, int32_t partitions, const TopicConfig& config);
  Status delete_topic(const std::string& name);
  Status alter_topic(const std::string& name, const TopicConfig& config);
  // Loads topics and partition metadata, and checks each partition's tail (recovery).
  Status load(LmdbTxn& txn);
  // Checks each partition against its metadata and verifies the CRCs of its tail (all of it in
  // paranoid mode). A damaged partition is marked failed (read-only); paranoid fails the open.
  Status recover(LmdbTxn& txn);
  // One partition's compaction / retention inside an open write txn (cleaner.cpp).
  Status compact_partition(WriteTxn& w, const TopicPartition& tp, const TopicConfig& config,
                           CleanerStats* stats);
  Status retain_partition(WriteTxn& w, const TopicPartition& tp, const TopicConfig& config,
                          CleanerStats* stats);
  // Checks records of one partition in [from, end): CRC, order, bounds. Calls report for each
  // problem; returns records and bytes seen.
  Status check_partition(LmdbTxn& txn, const TopicPartition& tp, const PartitionState& s,
                         bool whole, const CorruptionReporter& report, int64_t* records,
                         int64_t* bytes) const;
};

}  // namespace orderstream::log
