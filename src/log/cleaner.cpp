// Compaction and retention. Both only delete records (offsets never change) and update the
// partition's metadata in the same txn, so a crash mid-way leaves the old or the new state.
// Only retention moves a partition's start (Kafka's log start offset): compaction leaves gaps,
// so a consumer's committed offset stays inside [start, end] however far behind it is, and a
// read from inside a gap continues at the next record kept.
#include <unordered_map>

#include "log/coding.h"
#include "log/log_impl.h"

namespace orderstream::log {
namespace {

// ts + age_ms < now (or <= now when `inclusive`), without overflow: Kafka users set retention.ms
// to Long.MAX_VALUE to mean "forever", and timestamps are producer-chosen.
bool older_than(int64_t ts, int64_t age_ms, int64_t now, bool inclusive) {
  int64_t limit;
  if (__builtin_sub_overflow(now, age_ms, &limit)) return false;  // now - age below INT64_MIN
  return inclusive ? ts <= limit : ts < limit;
}

}  // namespace

Status LogImpl::compact_partition(WriteTxn& w, const TopicPartition& tp, const TopicConfig& config,
                                  CleanerStats* stats) {
  // A partition found corrupt is read-only until repaired; it must not stop the cleaning of
  // the others.
  if (!partition_failure(tp).is_ok()) return Status::ok();
  OS_ASSIGN_OR_RETURN(PartitionState * s, w.dirty_state(tp));
  // Pass 1: the latest offset of every key.
  std::unordered_map<std::string, int64_t> latest;
  Offset pos = s->start;
  while (pos < s->end) {
    OS_ASSIGN_OR_RETURN(Offset next, w.scan(tp, pos, 65536, [&](const RecordView& r) {
                          if (r.key) latest[std::string(*r.key)] = r.offset.v;
                          return true;
                        }));
    if (next == pos) break;
    pos = next;
  }
  // Pass 2: delete superseded records and expired tombstones.
  LmdbCursor cur;
  OS_RETURN_IF_ERROR(cur.open(*w.txn_, s->dbi));
  OS_ASSIGN_OR_RETURN(bool found, cur.first());
  RecordView rv;
  while (found) {
    Offset off(static_cast<int64_t>(decode_fixed64_be(cur.key().data())));
    if (Status st = decode_record(off, cur.value(), &rv); !st.is_ok())
      return mark_failed(tp, off, st.with_context(tp.to_string()));
    bool superseded = rv.key && latest[std::string(*rv.key)] != off.v;
    bool expired_tombstone = !rv.value && rv.key && !superseded &&
                             older_than(rv.timestamp_ms, config.delete_retention_ms, w.now_ms(), true);
    if (superseded || expired_tombstone) {
      int64_t size = static_cast<int64_t>(cur.value().size());
      OS_RETURN_IF_ERROR(cur.del());
      s->count -= 1;
      s->bytes -= size;
      stats->records_removed += 1;
      stats->bytes_removed += size;
      if (expired_tombstone) stats->tombstones_removed += 1;
    }
    OS_ASSIGN_OR_RETURN(found, cur.next());
  }
  return Status::ok();
}

Status LogImpl::retain_partition(WriteTxn& w, const TopicPartition& tp, const TopicConfig& config,
                                 CleanerStats* stats) {
  // A partition found corrupt is read-only until repaired; it must not stop the cleaning of
  // the others.
  if (!partition_failure(tp).is_ok()) return Status::ok();
  OS_ASSIGN_OR_RETURN(PartitionState * s, w.dirty_state(tp));
  LmdbCursor cur;
  OS_RETURN_IF_ERROR(cur.open(*w.txn_, s->dbi));
  OS_ASSIGN_OR_RETURN(bool found, cur.first());
  RecordView rv;
  while (found) {
    Offset off(static_cast<int64_t>(decode_fixed64_be(cur.key().data())));
    if (Status st = decode_record(off, cur.value(), &rv); !st.is_ok())
      return mark_failed(tp, off, st.with_context(tp.to_string()));
    bool too_old = config.retention_ms >= 0 &&
                   older_than(rv.timestamp_ms, config.retention_ms, w.now_ms(), false);
    bool too_big = config.retention_bytes >= 0 && s->bytes > config.retention_bytes;
    if (!too_old && !too_big) {
      s->start = off;  // the first record kept (offsets may have gaps after a compaction)
      break;
    }
    int64_t size = static_cast<int64_t>(cur.value().size());
    OS_RETURN_IF_ERROR(cur.del());
    s->count -= 1;
    s->bytes -= size;
    s->start = off.next();
    stats->records_removed += 1;
    stats->bytes_removed += size;
    OS_ASSIGN_OR_RETURN(found, cur.next());
  }
  if (s->count == 0) s->start = s->end;
  return Status::ok();
}

Result<CleanerStats> Log::compact(const std::string& topic, int64_t now_ms) {
  CleanerStats stats;
  for (const TopicInfo& t : topics()) {
    if (!topic.empty() && t.name != topic) continue;
    if (topic.empty() && t.config.cleanup_policy != CleanupPolicy::kCompact) continue;
    for (int32_t p = 0; p < t.partitions; ++p) {
      // One txn per partition keeps each write short for the other writers.
      OS_RETURN_IF_ERROR(impl_->write([&](WriteTxn& w) {
        w.now_ms_ = now_ms;
        return impl_->compact_partition(w, TopicPartition{t.name, PartitionId(p)}, t.config, &stats);
      }));
    }
  }
  if (!topic.empty()) OS_RETURN_IF_ERROR(impl_->find_topic(topic).status());
  return stats;
}

Result<CleanerStats> Log::enforce_retention(int64_t now_ms) {
  CleanerStats stats;
  for (const TopicInfo& t : topics()) {
    if (t.config.cleanup_policy != CleanupPolicy::kDelete) continue;
    if (t.config.retention_ms < 0 && t.config.retention_bytes < 0) continue;
    for (int32_t p = 0; p < t.partitions; ++p) {
      OS_RETURN_IF_ERROR(impl_->write([&](WriteTxn& w) {
        w.now_ms_ = now_ms;
        return impl_->retain_partition(w, TopicPartition{t.name, PartitionId(p)}, t.config, &stats);
      }));
    }
  }
  return stats;
}

}  // namespace orderstream::log
