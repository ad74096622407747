// Long-polls on the log without blocking an io thread: a commit wakes the poll through the
// LogWatcher (at once, on an io thread), and a timer re-checks every few milliseconds as well
// (for a watched counter, or without a watcher); it retries only when something changed.
// Thread-safe; the attempts run on one strand, never concurrently.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>

#include "api/log_watcher.h"
#include "log/log.h"

namespace orderstream::api {

// Calls attempt() at once and then after each commit to the log until it returns true or
// `timeout` passes, then calls expired() (on the same strand). A change of `also_watch()`, a
// non-decreasing counter (optional), triggers an attempt as a commit does. REQUIRES: log
// outlives the wait (the server stops its io_context before the log closes); `watcher` may be
// null (the timer alone then).
void poll_log(boost::asio::io_context& io, const log::Log& log, LogWatcher* watcher, std::chrono::milliseconds timeout,
              std::function<bool()> attempt, std::function<void()> expired,
              std::function<uint64_t()> also_watch = {});

}  // namespace orderstream::api
