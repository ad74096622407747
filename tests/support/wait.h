// wait_until: the only allowed way for a test to wait. Polls a predicate with a short backoff until
// it holds or the deadline passes. Thread-safe if pred is.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>

namespace orderstream::test {

// Returns true as soon as pred() is true; false if it is still false after `deadline`.
inline bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  auto backoff = std::chrono::microseconds(200);
  for (;;) {
    if (pred()) return true;
    auto now = std::chrono::steady_clock::now();
    if (now >= end) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(backoff, end - now));
    backoff = std::min(backoff * 2, std::chrono::microseconds(20000));
  }
}

}  // namespace orderstream::test
