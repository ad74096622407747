#include "log/read_view.h"

#include "log/coding.h"
#include "log/log_impl.h"

namespace orderstream::log {

std::string offset_key(Offset o) {
  std::string k(8, '\0');
  encode_fixed64_be(k.data(), static_cast<uint64_t>(o.v));
  return k;
}

std::string group_key(std::string_view group, const TopicPartition& tp) {
  std::string k;
  k.reserve(group.size() + tp.topic.size() + 6);
  k.append(group).push_back('\0');
  k.append(tp.topic).push_back('\0');
  encode_fixed32_be(&k, static_cast<uint32_t>(tp.partition.v));
  return k;
}

ReadView::ReadView(const LogImpl* log, std::unique_ptr<LmdbTxn> txn)
    : log_(log), owned_txn_(std::move(txn)), txn_(owned_txn_.get()) {}
ReadView::ReadView(const LogImpl* log, LmdbTxn* borrowed) : log_(log), txn_(borrowed) {}
ReadView::ReadView(ReadView&&) noexcept = default;
ReadView& ReadView::operator=(ReadView&&) noexcept = default;
ReadView::~ReadView() = default;

Result<PartitionInfo> ReadView::partition_info(const TopicPartition& tp) const {
  OS_ASSIGN_OR_RETURN(PartitionState * ps, log_->find(tp));
  std::string_view v;
  PartitionState s;
  Status st = txn_->get(log_->meta_dbi, partition_meta_key(tp), &v);
  if (!st.is_ok() || !decode_partition_meta(v, &s))
    return corruption("partition metadata of " + tp.to_string() + " is missing or malformed");
  (void)ps;
  return PartitionInfo{s.start, s.end, s.count, s.bytes};
}

Result<Offset> ReadView::scan(const TopicPartition& tp, Offset from, size_t max_records,
                              const RecordFn& fn) const {
  OS_ASSIGN_OR_RETURN(PartitionState * ps, log_->find(tp));
  // Damage met by any reader makes the partition read-only and shows in /health, as damage
  // found on open does: a bad record is never served, never skipped, and never hidden.
  auto damaged = [&](Offset at, Status st) {
    if (st.code() != StatusCode::kCorruption) return st;
    return log_->mark_failed(tp, at, std::move(st));
  };
  LmdbCursor cur;
  OS_RETURN_IF_ERROR(cur.open(*txn_, ps->dbi));
  Offset next = from;
  Result<bool> found = false;
  if (max_records > 0) found = cur.seek(offset_key(from));
  size_t seen = 0;
  RecordView rv;
  while (true) {
    if (!found.ok()) return damaged(next, found.status().with_context(tp.to_string()));
    if (!*found) break;
    std::string_view k = cur.key();
    if (k.size() != 8)
      return damaged(next, corruption(tp.to_string() + ": malformed offset key of " +
                                      std::to_string(k.size()) + " bytes after offset " +
                                      std::to_string(next.v)));
    Offset off(static_cast<int64_t>(decode_fixed64_be(k.data())));
    Status st = decode_record(off, cur.value(), &rv);
    if (!st.is_ok()) return damaged(off, st.with_context(tp.to_string()));
    next = off.next();
    ++seen;
    if (!fn(rv) || seen >= max_records) break;
    found = cur.next();
  }
  if (seen == 0 && max_records > 0) {
    // Nothing at or after `from`: whatever lies before the end was removed (retention, or
    // compaction's gaps), so the reader may continue at the end. Later appends land there.
    OS_ASSIGN_OR_RETURN(PartitionInfo info, partition_info(tp));
    if (next < info.end) next = info.end;
  }
  return next;
}

Result<std::vector<Record>> ReadView::read(const TopicPartition& tp, Offset from,
                                           size_t max_records) const {
  std::vector<Record> out;
  OS_ASSIGN_OR_RETURN(Offset next, scan(tp, from, max_records, [&](const RecordView& r) {
                        out.push_back(Record::from_view(r));
                        return true;
                      }));
  (void)next;
  return out;
}

Result<Offset> ReadView::offset_for_time(const TopicPartition& tp, int64_t ts_ms) const {
  OS_ASSIGN_OR_RETURN(PartitionInfo info, partition_info(tp));
  // Timestamps are not indexed: a linear scan. Fine for CLI resets, not for hot paths.
  Offset found = info.end;
  Offset pos = info.start;
  while (true) {
    bool hit = false;
    OS_ASSIGN_OR_RETURN(Offset next, scan(tp, pos, 4096, [&](const RecordView& r) {
                          if (r.timestamp_ms >= ts_ms) {
                            found = r.offset;
                            hit = true;
                            return false;
                          }
                          return true;
                        }));
    if (hit || next == pos || next >= info.end) break;
    pos = next;
  }
  return found;
}

Result<std::optional<Offset>> ReadView::committed(std::string_view group,
                                                  const TopicPartition& tp) const {
  std::string_view v;
  Status st = txn_->get(log_->groups_dbi, group_key(group, tp), &v);
  if (st.code() == StatusCode::kNotFound) return std::optional<Offset>();
  OS_RETURN_IF_ERROR(st);
  if (v.size() != 8) return corruption("malformed committed offset of group " + std::string(group));
  return std::optional<Offset>(Offset(static_cast<int64_t>(decode_fixed64_le(v.data()))));
}

Result<std::vector<GroupOffset>> ReadView::group_offsets(
    std::optional<std::string_view> group) const {
  std::vector<GroupOffset> out;
  LmdbCursor cur;
  OS_RETURN_IF_ERROR(cur.open(*txn_, log_->groups_dbi));
  std::string prefix = group ? std::string(*group) + '\0' : std::string();
  OS_ASSIGN_OR_RETURN(bool found, cur.seek(prefix));
  while (found && cur.key().substr(0, prefix.size()) == prefix) {
    std::string_view k = cur.key();
    size_t a = k.find('\0');
    size_t b = a == std::string_view::npos ? a : k.find('\0', a + 1);
    if (b == std::string_view::npos || k.size() != b + 5 || cur.value().size() != 8)
      return corruption("malformed consumer-group offset entry");
    GroupOffset g;
    g.group = std::string(k.substr(0, a));
    g.tp.topic = std::string(k.substr(a + 1, b - a - 1));
    g.tp.partition = PartitionId(static_cast<int32_t>(decode_fixed32_be(k.data() + b + 1)));
    g.offset = Offset(static_cast<int64_t>(decode_fixed64_le(cur.value().data())));
    out.push_back(std::move(g));
    OS_ASSIGN_OR_RETURN(found, cur.next());
  }
  return out;
}

StoreRef ReadView::store(std::string_view name) const {
  std::optional<MDB_dbi> dbi = log_->find_store(name, sees_pending_stores_);
  // A handle opened after this snapshot began names no database in it: the store is empty.
  if (!dbi || !txn_->has_dbi(*dbi)) return StoreRef{};
  return StoreRef{*dbi, true};
}

Result<std::optional<std::string_view>> ReadView::get(std::string_view store,
                                                      std::string_view key) const {
  return get(this->store(store), key);
}

Result<std::optional<std::string_view>> ReadView::get(const StoreRef& store,
                                                      std::string_view key) const {
  if (key.size() > kMaxStoreKeyBytes) return invalid_argument("state store key too long");
  if (!store.exists) return std::optional<std::string_view>();
  std::string_view v;
  Status st = txn_->get(store.dbi, StoredKey(key).view(), &v);
  if (st.code() == StatusCode::kNotFound) return std::optional<std::string_view>();
  OS_RETURN_IF_ERROR(st);
  return std::optional<std::string_view>(v);
}

Status ReadView::scan_store(std::string_view store, std::string_view from_key,
                            const KeyValueFn& fn) const {
  return scan_store(this->store(store), from_key, fn);
}

Status ReadView::scan_store(const StoreRef& store, std::string_view from_key,
                            const KeyValueFn& fn) const {
  if (!store.exists) return Status::ok();
  LmdbCursor cur;
  OS_RETURN_IF_ERROR(cur.open(*txn_, store.dbi));
  // No stored key is longer than kMaxStoreKeyBytes (nor may LMDB seek to one): the keys from
  // a longer start are those after its prefix of that length, the prefix itself excluded.
  bool past_prefix = from_key.size() > kMaxStoreKeyBytes;
  if (past_prefix) from_key = from_key.substr(0, kMaxStoreKeyBytes);
  OS_ASSIGN_OR_RETURN(bool found, cur.seek(StoredKey(from_key).view()));
  if (found && past_prefix && cur.key().substr(1) == from_key) {
    OS_ASSIGN_OR_RETURN(found, cur.next());
  }
  while (found) {
    if (!fn(cur.key().substr(1), cur.value())) break;
    OS_ASSIGN_OR_RETURN(found, cur.next());
  }
  return Status::ok();
}

}  // namespace orderstream::log
