// The power-loss journal, shared by the LD_PRELOAD shim (which writes it) and powerloss-cut
// (which replays it backwards): for every write to the watched file since its last successful
// fsync/fdatasync, in order, what the write was about to overwrite. A SIGKILL loses nothing of
// it (it is written before the write it describes, and page-cache writes outlive the process).
#pragma once

#include <cstdint>

namespace powerloss {

struct Entry {
  uint64_t offset;    // where the write went
  uint64_t length;    // how many bytes it wrote
  uint64_t old_len;   // how many of them overwrote existing bytes (the rest extended the file)
  uint64_t old_size;  // the file's size before the write
};
// Each Entry is followed by old_len bytes: what the file held at [offset, offset + old_len).

inline constexpr const char* kSuffix = ".powerloss-journal";

}  // namespace powerloss
