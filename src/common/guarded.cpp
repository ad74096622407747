#include "common/guarded.h"

#include <atomic>
#include <cstdio>
#include <exception>

namespace orderstream {

namespace {
std::atomic<uint64_t> g_exceptions{0};
}  // namespace

void run_guarded(const char* where, const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    g_exceptions.fetch_add(1, std::memory_order_relaxed);
    std::fprintf(stderr, "orderstream: %s: callback threw: %s\n", where, e.what());
  } catch (...) {
    g_exceptions.fetch_add(1, std::memory_order_relaxed);
    std::fprintf(stderr, "orderstream: %s: callback threw a non-std exception\n", where);
  }
}

uint64_t callback_exceptions() { return g_exceptions.load(std::memory_order_relaxed); }

}  // namespace orderstream
