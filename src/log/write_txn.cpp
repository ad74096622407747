#include "log/write_txn.h"

#include "log/coding.h"
#include "log/log_impl.h"
#include "log/partitioner.h"
#include "log/record_format.h"

namespace orderstream::log {

WriteTxn::WriteTxn(LogImpl* log, LmdbTxn* txn, int64_t now_ms, const DirtyPartitions* batch)
    : ReadView(log, txn), mlog_(log), now_ms_(now_ms), batch_(batch) {
  sees_pending_stores_ = true;  // the stores this group created, not yet published
}
WriteTxn::~WriteTxn() = default;

Result<PartitionState*> WriteTxn::dirty_state(const TopicPartition& tp) {
  OS_ASSIGN_OR_RETURN(PartitionState * ps, mlog_->find(tp));
  auto it = dirty_.find(ps);
  if (it != dirty_.end()) return it->second.get();
  if (Status failed = mlog_->partition_failure(tp); !failed.is_ok())
    return Status(failed.code(), tp.to_string() + " refuses appends: " + failed.message());
  auto earlier = batch_->find(ps);
  auto copy = std::make_unique<PartitionState>(earlier != batch_->end() ? *earlier->second : *ps);
  PartitionState* raw = copy.get();
  dirty_.emplace(ps, std::move(copy));
  return raw;
}

Result<Offset> WriteTxn::append(const TopicPartition& tp, const RecordData& record) {
  // Appends come in runs to one partition: remember the last one so a run skips the lookups.
  if (!last_.state || last_.partition != tp.partition || last_.topic != tp.topic) {
    OS_ASSIGN_OR_RETURN(PartitionState * state, dirty_state(tp));
    OS_ASSIGN_OR_RETURN(TopicState * t, mlog_->find_topic(tp.topic));
    std::shared_lock lock(mlog_->topics_mu);  // alter_topic may change the config
    last_ = LastPartition{tp.topic, tp.partition, state,
                          t->info.config.cleanup_policy == CleanupPolicy::kCompact,
                          t->info.config.timestamp_type == TimestampType::kLogAppendTime};
  }
  PartitionState* s = last_.state;
  if (!record.key && last_.compacted)
    return invalid_argument("topic '" + tp.topic + "' is compacted: every record needs a key");
  size_t payload = (record.key ? record.key->size() : 0) + (record.value ? record.value->size() : 0);
  for (const Header& h : record.headers) payload += h.key.size() + (h.value ? h.value->size() : 0);
  if (payload > format::kMaxPayloadSize)
    return invalid_argument("record of " + std::to_string(payload) + " bytes exceeds the limit of " +
                            std::to_string(format::kMaxPayloadSize));
  Offset off = s->end;
  int64_t ts = record.timestamp_ms == kNowTimestamp || last_.log_append_time ? now_ms_ : record.timestamp_ms;
  size_t size = encoded_size(record);
  // MDB_APPEND: offsets only grow, so LMDB can skip the search and fill pages densely.
  char key[8];
  encode_fixed64_be(key, static_cast<uint64_t>(off.v));
  // Encoded straight into LMDB's page (MDB_RESERVE): no intermediate copy.
  char* dst = nullptr;
  Status st = txn_->reserve(s->dbi, std::string_view(key, 8), size, MDB_APPEND, &dst);
  if (!st.is_ok()) return st.with_context("appending to " + tp.to_string());
  encode_record_to(off, ts, record, dst, size);
  s->end = off.next();
  s->count += 1;
  s->bytes += static_cast<int64_t>(size);
  return off;
}

Result<PartitionId> WriteTxn::partition_for(const std::string& topic,
                                            std::optional<std::string_view> key) {
  OS_ASSIGN_OR_RETURN(TopicState * t, mlog_->find_topic(topic));
  if (key) return partition_for_key(*key, t->info.partitions);
  uint32_t n = t->round_robin.fetch_add(1, std::memory_order_relaxed);
  return PartitionId(static_cast<int32_t>(n % static_cast<uint32_t>(t->info.partitions)));
}

Status WriteTxn::commit_offset(std::string_view group, const TopicPartition& tp, Offset next) {
  if (group.empty() || group.find('\0') != std::string_view::npos)
    return invalid_argument("group name must be non-empty and contain no NUL");
  OS_ASSIGN_OR_RETURN(PartitionState * ps, mlog_->find(tp));
  (void)ps;
  std::string v;
  encode_fixed64_le(&v, static_cast<uint64_t>(next.v));
  return txn_->put(mlog_->groups_dbi, group_key(group, tp), v);
}

Status WriteTxn::delete_offset(std::string_view group, const TopicPartition& tp) {
  return txn_->del(mlog_->groups_dbi, group_key(group, tp));
}

Result<StoreRef> WriteTxn::store_for_write(std::string_view store) {
  OS_ASSIGN_OR_RETURN(MDB_dbi dbi, mlog_->store_for_write(*txn_, store));
  return StoreRef{dbi, true};
}

Status WriteTxn::put(std::string_view store, std::string_view key, std::string_view value) {
  if (key.size() > kMaxStoreKeyBytes) return invalid_argument("state store key too long");
  OS_ASSIGN_OR_RETURN(StoreRef ref, store_for_write(store));
  return put(ref, key, value);
}

Status WriteTxn::put(const StoreRef& store, std::string_view key, std::string_view value) {
  if (key.size() > kMaxStoreKeyBytes) return invalid_argument("state store key too long");
  return txn_->put(store.dbi, StoredKey(key).view(), value);
}

Status WriteTxn::del(std::string_view store, std::string_view key) {
  if (key.size() > kMaxStoreKeyBytes) return Status::ok();  // no such key can be stored
  StoreRef ref = this->store(store);
  return ref.exists ? del(ref, key) : Status::ok();
}

Status WriteTxn::del(const StoreRef& store, std::string_view key) {
  if (key.size() > kMaxStoreKeyBytes) return Status::ok();
  return txn_->del(store.dbi, StoredKey(key).view());
}

Status WriteTxn::clear_store(std::string_view store) {
  StoreRef ref = this->store(store);
  return ref.exists ? txn_->drop(ref.dbi, /*del=*/false) : Status::ok();
}

}  // namespace orderstream::log
