// WindowStore: records kept by (key, event time) in a task's state stores, fetched by key and
// time range and expired by time: the store under a windowed join (Kafka Streams' WindowStore).
// Each entry has an id unique per key (e.g. the record's business id): storing an id again is
// reported as a duplicate and changes nothing, which makes joins idempotent on redelivery.
// Backed by three stores named <name>, <name>#ids, <name>#time; list all of them in the
// SubTopology's stores (store_names) so reset-service wipes them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stream/processor.h"

namespace orderstream::stream {

class WindowStore {
 public:
  explicit WindowStore(std::string name);

  struct Entry {
    int64_t ts;
    std::string id;
    std::string value;
  };
  // Stores the entry; false (and no change) if (key, id) is already stored.
  Result<bool> put(TaskContext& ctx, std::string_view key, int64_t ts, std::string_view id,
                   std::string value) const;
  // The entries of `key` with from_ts <= ts <= to_ts, in (ts, id) order.
  Result<std::vector<Entry>> fetch(TaskContext& ctx, std::string_view key, int64_t from_ts,
                                   int64_t to_ts) const;
  // Deletes every entry with ts < before_ts; returns how many.
  Result<int64_t> expire_before(TaskContext& ctx, int64_t before_ts) const;

  std::vector<std::string> store_names() const;

 private:
  std::string name_, ids_, time_;
};

}  // namespace orderstream::stream
