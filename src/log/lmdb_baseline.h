// The raw-LMDB baseline of `bench log`: appends records with MDB_APPEND straight into one LMDB
// database, with none of the log's encoding, CRCs or metadata, to show what the log costs on top
// of LMDB. Benchmark code only; single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace orderstream::log {

// Appends `records` values of `record_size` bytes under 8-byte big-endian keys 0.., `batch` per
// write txn (committed like the log's: data synced, meta page not), into a new LMDB environment
// in `dir` (created; must not hold one already). Returns records per second of the appends.
// Errors: InvalidArgument (bad sizes, dir already has data), IOError/NoSpace from LMDB.
Result<double> raw_lmdb_append_records_per_sec(const std::string& dir, size_t record_size,
                                               size_t batch, int64_t records);

}  // namespace orderstream::log
