// WindowedJoin: an inner stream-stream join over event time (Kafka Streams' KStream#join with
// JoinWindows). A left record at time t joins every right record of the same key whose time is
// in [t - before, t + after]. Both sides are kept in WindowStores; each pair is produced exactly
// once, by whichever of its two records arrives second. A record whose id its side has already
// stored is a duplicate and joins nothing; a record that arrives after its window closed (more
// than `grace` behind stream time) is dropped, as Kafka Streams drops late records. Call one
// WindowedJoin from a processor whose inputs are the two co-partitioned, same-keyed streams.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "stream/window_store.h"

namespace orderstream::stream {

struct JoinWindows {
  int64_t before_ms = 0;  // how far a right record may precede its left one
  int64_t after_ms = 0;   // how far a right record may follow its left one
  int64_t grace_ms = 0;   // how long after a window's end late records are still accepted
};

struct JoinSide {
  std::string_view id;  // unique per key on its side
  int64_t ts = 0;
  std::string_view value;
};

enum class JoinOutcome { kJoined, kDuplicate, kLate };

class WindowedJoin {
 public:
  WindowedJoin(std::string name, JoinWindows windows);

  // Called once per matched pair, in the right (or left) record's time order.
  using PairFn = std::function<void(const JoinSide& left, const JoinSide& right)>;
  Result<JoinOutcome> on_left(TaskContext& ctx, std::string_view key, const JoinSide& left,
                              const PairFn& fn) const;
  Result<JoinOutcome> on_right(TaskContext& ctx, std::string_view key, const JoinSide& right,
                               const PairFn& fn) const;

  // Every store the join writes (for SubTopology::stores).
  std::vector<std::string> store_names() const;

 private:
  Result<JoinOutcome> on_record(TaskContext& ctx, std::string_view key, const JoinSide& rec,
                                bool left, const PairFn& fn) const;

  JoinWindows w_;
  WindowStore left_, right_;
};

}  // namespace orderstream::stream
