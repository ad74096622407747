// Recovery on open and `verify`: both check partitions against their metadata and CRCs.
// Neither deletes anything: damage is reported, the partition becomes read-only.
#include "log/coding.h"
#include "log/log_impl.h"

namespace orderstream::log {

Status LogImpl::check_partition(LmdbTxn& txn, const TopicPartition& tp, const PartitionState& s,
                                bool whole, const CorruptionReporter& report, int64_t* records,
                                int64_t* bytes) const {
  LmdbCursor cur;
  OS_RETURN_IF_ERROR(cur.open(txn, s.dbi));
  // Only a partition that never lost an interior record (count == end - start) must be free of
  // holes. Whether it was ever compacted cannot be told from its current policy: a topic may be
  // altered from compact to delete and keep its gaps.
  const bool dense = s.count == s.end.v - s.start.v;
  Offset from = s.start;
  if (!whole && s.count > options.tail_check_records) {
    // Start the tail window tail_check_records before the end (gaps only make it smaller).
    from = Offset(std::max(s.start.v, s.end.v - options.tail_check_records));
  }
  OS_ASSIGN_OR_RETURN(bool found, cur.seek(offset_key(from)));
  Offset expect = from;
  RecordView rv;
  while (found) {
    if (cur.key().size() != 8) {
      report(tp, expect, corruption("malformed offset key"));
      OS_ASSIGN_OR_RETURN(found, cur.next());
      continue;
    }
    Offset off(static_cast<int64_t>(decode_fixed64_be(cur.key().data())));
    if (off >= s.end || off < s.start)
      report(tp, off, corruption("offset outside the partition's range [" +
                                 std::to_string(s.start.v) + ", " + std::to_string(s.end.v) + ")"));
    if (dense && off != expect)
      report(tp, expect, corruption("offset gap: expected " + std::to_string(expect.v) + ", found " +
                                        std::to_string(off.v)));
    Status st = decode_record(off, cur.value(), &rv);
    if (!st.is_ok()) report(tp, off, st);
    *records += 1;
    *bytes += static_cast<int64_t>(cur.value().size());
    expect = off.next();
    OS_ASSIGN_OR_RETURN(found, cur.next());
  }
  // Metadata and records commit in one txn, so a missing tail is damage, not a lost sync window.
  if (dense && expect < s.end)
    report(tp, expect, corruption("records " + std::to_string(expect.v) + ".." +
                                      std::to_string(s.end.v - 1) + " are missing"));
  return Status::ok();
}

Status LogImpl::recover(LmdbTxn& txn) {
  for (auto& [name, t] : topics) {
    for (int32_t p = 0; p < t->info.partitions; ++p) {
      TopicPartition tp{name, PartitionId(p)};
      PartitionState& s = *t->parts[static_cast<size_t>(p)];
      Status first_problem;
      Offset first_offset;
      int64_t records = 0, bytes = 0;
      OS_RETURN_IF_ERROR(check_partition(
          txn, tp, s, options.paranoid,
          [&](const TopicPartition&, Offset off, const Status& st) {
            if (!first_problem.is_ok()) return;
            first_offset = off;
            first_problem = Status(StatusCode::kCorruption,
                                   tp.to_string() + " offset " + std::to_string(off.v) + ": " + st.message());
          },
          &records, &bytes));
      if (options.paranoid && first_problem.is_ok() && (records != s.count || bytes != s.bytes))
        first_problem = corruption(tp.to_string() + ": metadata says " + std::to_string(s.count) +
                                   " records, found " + std::to_string(records));
      if (first_problem.is_ok()) continue;
      if (options.paranoid) return first_problem;
      (void)mark_failed(tp, first_offset, first_problem);
    }
  }
  return Status::ok();
}

Status Log::verify(const CorruptionReporter& report) const {
  LogImpl& L = *impl_;
  LmdbTxn txn;
  OS_RETURN_IF_ERROR(txn.begin(L.env, true));
  int problems = 0;
  auto counting = [&](const TopicPartition& tp, Offset off, const Status& st) {
    ++problems;
    report(tp, off, st);
  };
  std::vector<std::pair<TopicPartition, PartitionState>> parts;
  {
    std::shared_lock lock(L.topics_mu);
    for (auto& [name, t] : L.topics)
      for (int32_t p = 0; p < t->info.partitions; ++p)
        parts.emplace_back(TopicPartition{name, PartitionId(p)}, *t->parts[static_cast<size_t>(p)]);
  }
  for (auto& [tp, cached] : parts) {
    // Positions from this snapshot's metadata, not the cache: verify may run in another process.
    PartitionState s = cached;
    std::string_view mv;
    if (!txn.get(L.meta_dbi, s.meta_key, &mv).is_ok() || !decode_partition_meta(mv, &s)) {
      counting(tp, Offset(0), corruption("partition metadata missing or malformed"));
      continue;
    }
    int64_t records = 0, bytes = 0;
    OS_RETURN_IF_ERROR(L.check_partition(txn, tp, s, true, counting, &records, &bytes));
    if (records != s.count || bytes != s.bytes)
      counting(tp, s.end, corruption("metadata says " + std::to_string(s.count) + " records / " +
                                         std::to_string(s.bytes) + " bytes, found " +
                                         std::to_string(records) + " / " + std::to_string(bytes)));
  }
  if (problems > 0) return corruption(std::to_string(problems) + " problem(s) found");
  return Status::ok();
}

}  // namespace orderstream::log
