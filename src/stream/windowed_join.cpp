#include "stream/windowed_join.h"

#include <algorithm>

namespace orderstream::stream {

WindowedJoin::WindowedJoin(std::string name, JoinWindows windows)
    : w_(windows), left_(name + "-left"), right_(name + "-right") {}

std::vector<std::string> WindowedJoin::store_names() const {
  std::vector<std::string> out = left_.store_names();
  for (std::string& s : right_.store_names()) out.push_back(std::move(s));
  return out;
}

Result<JoinOutcome> WindowedJoin::on_left(TaskContext& ctx, std::string_view key,
                                          const JoinSide& left, const PairFn& fn) const {
  return on_record(ctx, key, left, true, fn);
}

Result<JoinOutcome> WindowedJoin::on_right(TaskContext& ctx, std::string_view key,
                                           const JoinSide& right, const PairFn& fn) const {
  return on_record(ctx, key, right, false, fn);
}

Result<JoinOutcome> WindowedJoin::on_record(TaskContext& ctx, std::string_view key,
                                            const JoinSide& rec, bool left,
                                            const PairFn& fn) const {
  // The other side's matches lie in [ts - before, ts + after] for a left record, and mirrored
  // for a right one. Entries stay until no record within grace could still match them.
  int64_t lo = left ? rec.ts - w_.before_ms : rec.ts - w_.after_ms;
  int64_t hi = left ? rec.ts + w_.after_ms : rec.ts + w_.before_ms;
  int64_t now = ctx.stream_time_ms();
  if (hi + w_.grace_ms < now) return JoinOutcome::kLate;
  int64_t retention = w_.before_ms + w_.after_ms + w_.grace_ms;
  OS_RETURN_IF_ERROR(left_.expire_before(ctx, now - retention).status());
  OS_RETURN_IF_ERROR(right_.expire_before(ctx, now - retention).status());

  const WindowStore& mine = left ? left_ : right_;
  const WindowStore& other = left ? right_ : left_;
  OS_ASSIGN_OR_RETURN(bool stored, mine.put(ctx, key, rec.ts, rec.id, std::string(rec.value)));
  if (!stored) return JoinOutcome::kDuplicate;
  OS_ASSIGN_OR_RETURN(std::vector<WindowStore::Entry> matches, other.fetch(ctx, key, lo, hi));
  for (const WindowStore::Entry& m : matches) {
    JoinSide o{m.id, m.ts, m.value};
    if (left) {
      fn(rec, o);
    } else {
      fn(o, rec);
    }
  }
  return JoinOutcome::kJoined;
}

}  // namespace orderstream::stream
