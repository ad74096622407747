// ReadView: a consistent read-only snapshot of the log (one LMDB read txn). Cheap to make (no
// lock, no copy); owned by one thread; views it hands out die with it. Must die before the Log.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/strong_int.h"
#include "log/record.h"

namespace orderstream::log {

class LmdbTxn;

struct TopicPartition {
  std::string topic;
  PartitionId partition;
  bool operator==(const TopicPartition&) const = default;
  std::string to_string() const { return topic + "/" + std::to_string(partition.v); }
};

// Per-partition positions. Offsets in [start, end) may have gaps after compaction.
struct PartitionInfo {
  Offset start;       // first offset still stored (== end when empty)
  Offset end;         // the offset the next append gets (Kafka's log-end offset)
  int64_t count = 0;  // records stored
  int64_t bytes = 0;  // stored bytes, record headers included
};

struct GroupOffset {
  std::string group;
  TopicPartition tp;
  Offset offset;  // the next offset the group will read
};

// A state store as one snapshot sees it: its LMDB database, or none (an empty store). Valid
// only with the ReadView or WriteTxn that made it.
struct StoreRef {
  uint32_t dbi = 0;  // an MDB_dbi
  bool exists = false;
};

// Visitor for scans: return false to stop early.
using RecordFn = std::function<bool(const RecordView&)>;
using KeyValueFn = std::function<bool(std::string_view key, std::string_view value)>;

struct LogImpl;

class ReadView {
 public:
  ReadView(ReadView&&) noexcept;
  ReadView& operator=(ReadView&&) noexcept;
  ~ReadView();

  // NotFound for an unknown topic or partition.
  Result<PartitionInfo> partition_info(const TopicPartition& tp) const;
  // Visits records with offset >= from, in offset order, until fn returns false, max_records
  // were visited or the end. Returns where to continue: one past the last visited record, or
  // max(from, end) when none was visited (nothing is stored in between). A bad record stops the scan with Corruption naming
  // the partition and offset; records before it were visited.
  Result<Offset> scan(const TopicPartition& tp, Offset from, size_t max_records,
                      const RecordFn& fn) const;
  // Owned copies of up to max_records from `from`.
  Result<std::vector<Record>> read(const TopicPartition& tp, Offset from, size_t max_records) const;
  // First offset whose record has timestamp >= ts_ms (end when none); Kafka's offsetsForTimes.
  Result<Offset> offset_for_time(const TopicPartition& tp, int64_t ts_ms) const;

  // A group's committed position (the next offset to read); nullopt if never committed.
  Result<std::optional<Offset>> committed(std::string_view group, const TopicPartition& tp) const;
  // Every committed offset, or one group's.
  Result<std::vector<GroupOffset>> group_offsets(std::optional<std::string_view> group) const;

  // State stores: named key-value spaces, one LMDB database each. Keys are at most
  // kMaxStoreKeyBytes. Views are valid while this view (or WriteTxn) lives. A store that does
  // not exist (yet, in this snapshot) is empty.
  Result<std::optional<std::string_view>> get(std::string_view store, std::string_view key) const;
  // Visits (key, value) of `store` with key >= from_key in key order until fn returns false.
  Status scan_store(std::string_view store, std::string_view from_key, const KeyValueFn& fn) const;
  // The same through a StoreRef, which saves the name lookup when one store is read often.
  StoreRef store(std::string_view name) const;
  Result<std::optional<std::string_view>> get(const StoreRef& store, std::string_view key) const;
  Status scan_store(const StoreRef& store, std::string_view from_key, const KeyValueFn& fn) const;

  static constexpr size_t kMaxStoreKeyBytes = 400;

 protected:
  ReadView(const LogImpl* log, std::unique_ptr<LmdbTxn> txn);
  ReadView(const LogImpl* log, LmdbTxn* borrowed);  // a WriteTxn's txn, owned by the writer
  const LogImpl* log_;
  // A WriteTxn's stores created in its group and not yet published (see LogImpl).
  bool sees_pending_stores_ = false;
  std::unique_ptr<LmdbTxn> owned_txn_;
  LmdbTxn* txn_ = nullptr;

  friend struct LogImpl;
};

}  // namespace orderstream::log
