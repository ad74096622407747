// What this process has written so far, from Linux's /proc/self/io: for benchmarks that report
// bytes written per unit of work beside their rates.
#pragma once

#include <cstdint>

namespace orderstream {

// Bytes passed to write(2), pwrite(2), writev(2) and friends so far ("wchar"); 0 where
// /proc/self/io is not available.
int64_t process_bytes_written();

}  // namespace orderstream
