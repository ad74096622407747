// Runs callbacks that must not end the process: a done callback on the group writer's thread, a
// step's after_commit work on a stream thread. An exception there would unwind a thread that
// others depend on (std::terminate); instead it is logged to stderr and counted.
#pragma once

#include <cstdint>
#include <functional>

namespace orderstream {

// Calls fn(); an exception it throws is caught, logged as "<where>: callback threw: <what>" and
// counted. Thread-safe.
void run_guarded(const char* where, const std::function<void()>& fn);

// How many callbacks threw since the process started (the `callback_exceptions_total` metric).
uint64_t callback_exceptions();

}  // namespace orderstream
