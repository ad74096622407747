// CommandSink: where the Orders service's commands go when they are not appended to the local log
// (the Kafka backend: a producer acknowledged by the cluster). The embedded log needs none: the
// service appends through the GroupWriter, its accepted-ids check in the same transaction.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/status.h"

namespace orderstream::services {

class CommandSink {
 public:
  virtual ~CommandSink() = default;
  // Appends one record keyed by `key` to `topic` (its partition: Kafka's for the key), a
  // tombstone when value is nullopt. done runs exactly once on another thread, once the record
  // is durable where it lives, unless this returns an error (Busy: too many in flight).
  virtual Status append(const std::string& topic, const std::string& key, std::optional<std::string> value,
                        std::function<void(const Status&)> done) = 0;
};

}  // namespace orderstream::services
