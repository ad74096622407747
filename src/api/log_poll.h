// Long-polls on the log without blocking an io thread: Log::wait_for_change blocks, so instead a
// timer on the io_context re-checks Log::version() every few milliseconds and retries only when
// something was committed. Thread-safe; the attempts run on one strand, never concurrently.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>

#include "log/log.h"

namespace orderstream::api {

// Calls attempt() at once and then after each commit to the log until it returns true or
// `timeout` passes, then calls expired() (on the same strand). A change of `also_watch()`, a
// non-decreasing counter (optional), triggers an attempt as a commit does. REQUIRES: log
// outlives the wait (the server stops its io_context before the log closes).
void poll_log(boost::asio::io_context& io, const log::Log& log, std::chrono::milliseconds timeout,
              std::function<bool()> attempt, std::function<void()> expired,
              std::function<uint64_t()> also_watch = {});

}  // namespace orderstream::api
