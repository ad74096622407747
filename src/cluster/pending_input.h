// The records a Kafka-backend worker has polled for one input partition and not yet committed,
// handed to StreamTask::process as a TaskInput. The task's views point into the deque's records,
// which must stay put until the step is done (pop only after it).
#pragma once

#include <algorithm>
#include <deque>

#include "log/record.h"
#include "stream/task.h"

namespace orderstream::cluster {

// Appends views of up to max_batch of `pending` to in->records and sets in->scanned_to past the
// last of them (left as it is when none). True when it took any. Headers are not passed on: the
// stream processors do not read them.
inline bool take_pending(const std::deque<log::Record>& pending, size_t max_batch, stream::TaskInput* in) {
  size_t n = std::min(pending.size(), max_batch);
  for (size_t k = 0; k < n; ++k) {
    const log::Record& r = pending[k];
    log::RecordView v;
    v.offset = r.offset;
    v.timestamp_ms = r.timestamp_ms;
    if (r.key) v.key = *r.key;
    if (r.value) v.value = *r.value;
    in->records.push_back(v);
  }
  if (n > 0) in->scanned_to = pending[n - 1].offset.next();
  return n > 0;
}

}  // namespace orderstream::cluster
