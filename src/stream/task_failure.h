// TaskFailure: a task whose latest step failed (a full map or disk, a damaged input record, a
// cluster away): nothing of the step committed, and it is retried with a backoff. The one rule
// for how often a failing task logs and how long it waits, for every backend's threads.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "common/strong_int.h"

namespace orderstream::stream {

struct TaskFailure {
  std::string task;     // the sub-topology's name
  std::string service;
  PartitionId partition;
  Status status;         // the latest step's error
  int64_t failures = 0;  // consecutive failed steps
};

// Counts one more failed step of f, with error st. True when it should be logged: when it
// starts, when the error changes, and at the 2nd, 4th, 8th... failure, so that the reason is
// always in the log without a line per retry.
inline bool count_failure(TaskFailure& f, const Status& st) {
  bool changed = f.status.code() != st.code() || f.status.message() != st.message();
  f.status = st;
  ++f.failures;
  return f.failures == 1 || changed || (f.failures & (f.failures - 1)) == 0;
}

// The wait before the next step after `failures` consecutive failed ones: 100 ms doubling up to
// 5 s, quick to resume once the cause is gone, idle while it lasts.
inline std::chrono::milliseconds failure_backoff(int64_t failures) {
  int shift = static_cast<int>(std::clamp<int64_t>(failures - 1, 0, 6));
  return std::min(std::chrono::milliseconds(100 << shift), std::chrono::milliseconds(5000));
}

}  // namespace orderstream::stream
