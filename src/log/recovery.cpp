// Recovery on open and `verify`: both check partitions against their metadata and CRCs.
// Neither deletes anything: damage is reported, the partition becomes read-only.
#include <cstdio>

#include "log/coding.h"
#include "log/log_impl.h"

namespace orderstream::log {

Status LogImpl::check_partition(LmdbTxn& txn, const TopicPartition& tp, const PartitionState& s,
                                bool whole, const CorruptionReporter& report, int64_t* records,
                                int64_t* bytes) const {
  LmdbCursor cur;
  OS_RETURN_IF_ERROR(cur.open(txn, s.dbi));
  bool compacted = false;
  {
    std::shared_lock lock(topics_mu);
    auto it = topics.find(tp.topic);
    compacted = it != topics.end() && it->second->info.config.cleanup_policy == CleanupPolicy::kCompact;
  }
  Offset from = s.start;
  if (!whole && s.count > options.tail_check_records) {
    // Start the tail window tail_check_records before the end (gaps only make it smaller).
    from = Offset(std::max(s.start.v, s.end.v - options.tail_check_records));
  }
  OS_ASSIGN_OR_RETURN(bool found, cur.seek(offset_key(from)));
  Offset expect = from;
  bool first = true;
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
    // Delete-policy partitions only lose records from the head, so they have no holes.
    if (!compacted && !first && off != expect)
      report(tp, expect, corruption("offset gap: expected " + std::to_string(expect.v) + ", found " +
                                        std::to_string(off.v)));
    Status st = decode_record(off, cur.value(), &rv);
    if (!st.is_ok()) report(tp, off, st);
    *records += 1;
    *bytes += static_cast<int64_t>(cur.value().size());
    expect = off.next();
    first = false;
    OS_ASSIGN_OR_RETURN(found, cur.next());
  }
  return Status::ok();
}

Status LogImpl::recover(LmdbTxn& txn) {
  for (auto& [name, t] : topics) {
    for (int32_t p = 0; p < t->info.partitions; ++p) {
      TopicPartition tp{name, PartitionId(p)};
      PartitionState& s = *t->parts[static_cast<size_t>(p)];
      Status first_problem;
      int64_t records = 0, bytes = 0;
      OS_RETURN_IF_ERROR(check_partition(
          txn, tp, s, options.paranoid,
          [&](const TopicPartition&, Offset off, const Status& st) {
            if (first_problem.is_ok())
              first_problem = Status(StatusCode::kCorruption,
                                     tp.to_string() + " offset " + std::to_string(off.v) + ": " + st.message());
          },
          &records, &bytes));
      if (options.paranoid && first_problem.is_ok() && (records != s.count || bytes != s.bytes))
        first_problem = corruption(tp.to_string() + ": metadata says " + std::to_string(s.count) +
                                   " records, found " + std::to_string(records));
      if (first_problem.is_ok()) continue;
      if (options.paranoid) return first_problem;
      std::fprintf(stderr, "orderstream: %s; partition is read-only until repaired\n",
                   first_problem.message().c_str());
      s.failed = first_problem;
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
