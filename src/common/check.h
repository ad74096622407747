// OS_CHECK: invariants that hold unless there is a bug. Always on (also in Release): a broken
// invariant aborts with a message instead of corrupting data. Thread-safe.
#pragma once

#include <cstdio>
#include <cstdlib>

#define OS_CHECK(cond)                                                                   \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)
