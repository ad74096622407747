// WriteTxn: the one LMDB write transaction of a Log::write call. Everything done through it
// (appends, offset commits, state-store changes) commits or aborts together. Lives only inside
// the Log::write callback, on the calling thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "log/read_view.h"

namespace orderstream::log {

struct PartitionState;
// Uncommitted partition positions, by the published state they replace.
using DirtyPartitions = std::unordered_map<const PartitionState*, std::unique_ptr<PartitionState>>;

class WriteTxn : public ReadView {
 public:
  ~WriteTxn();

  // Appends one record; its offset is the partition's end offset. Records appended to one
  // partition in one txn get consecutive offsets. Errors: NotFound (topic/partition), Corruption
  // (partition failed on open), NoSpace (LMDB map full), InvalidArgument (record too large).
  Result<Offset> append(const TopicPartition& tp, const RecordData& record);
  // Kafka's default partitioner: murmur2 for keyed records, round robin for null keys.
  Result<PartitionId> partition_for(const std::string& topic, std::optional<std::string_view> key);

  // Records that `group` has consumed `tp` up to (excluding) `next`.
  Status commit_offset(std::string_view group, const TopicPartition& tp, Offset next);
  Status delete_offset(std::string_view group, const TopicPartition& tp);

  // State stores (one LMDB database each, created by the first put).
  Status put(std::string_view store, std::string_view key, std::string_view value);
  Status del(std::string_view store, std::string_view key);
  // Removes every key of `store`.
  Status clear_store(std::string_view store);
  // The store for put/del through a StoreRef (created if missing), which saves the name
  // lookup for many writes to one store. InvalidArgument for an empty name or one with NUL.
  Result<StoreRef> store_for_write(std::string_view store);
  Status put(const StoreRef& store, std::string_view key, std::string_view value);
  Status del(const StoreRef& store, std::string_view key);

  // The wall clock read once for this txn; records appended with kNowTimestamp get it.
  int64_t now_ms() const { return now_ms_; }

 private:
  friend struct LogImpl;
  friend class Log;  // compaction and retention run with the caller's clock
  // `batch` holds what earlier writes of the same group commit changed (see LogImpl::write).
  WriteTxn(LogImpl* log, LmdbTxn* txn, int64_t now_ms, const DirtyPartitions* batch);
  // The uncommitted state of every partition this write touched.
  Result<PartitionState*> dirty_state(const TopicPartition& tp);
  LogImpl* mlog_;
  int64_t now_ms_;
  const DirtyPartitions* batch_;
  DirtyPartitions dirty_;
  struct LastPartition {
    std::string topic;
    PartitionId partition;
    PartitionState* state = nullptr;  // points into dirty_ (stable: values are heap-allocated)
    bool compacted = false;
    bool log_append_time = false;  // message.timestamp.type=LogAppendTime: the txn's clock wins
  };
  LastPartition last_;
};

}  // namespace orderstream::log
