// SessionStore: session windows (Kafka Streams' SessionWindows) in a task's state stores. Per
// key, events closer than `gap` to each other form one session; an event that falls within the
// gap of several sessions bridges them into one, whose aggregate is the merge of theirs. Sessions
// that ended more than `retention` before stream time can no longer grow and are deleted.
// Backed by two stores, <name> and <name>#time (store_names, for SubTopology::stores).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "stream/processor.h"

namespace orderstream::stream {

struct SessionWindow {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string aggregate;
};

class SessionStore {
 public:
  SessionStore(std::string name, int64_t gap_ms, int64_t retention_ms);

  // Aggregates are opaque strings: `merge` combines two sessions' aggregates, `add` folds one
  // event into an aggregate ("" for a new session). Both must be deterministic (replays).
  using MergeFn = std::function<std::string(std::string_view a, std::string_view b)>;
  using AddFn = std::function<std::string(std::string_view aggregate)>;
  // Adds an event at `ts` to `key`'s sessions and returns the session that now holds it.
  Result<SessionWindow> add(TaskContext& ctx, std::string_view key, int64_t ts, const AddFn& add,
                            const MergeFn& merge) const;
  // `key`'s sessions, oldest first.
  Result<std::vector<SessionWindow>> sessions(TaskContext& ctx, std::string_view key) const;

  std::vector<std::string> store_names() const { return {name_, time_}; }

 private:
  Status expire(TaskContext& ctx) const;

  std::string name_, time_;
  int64_t gap_ms_, retention_ms_;
};

}  // namespace orderstream::stream
