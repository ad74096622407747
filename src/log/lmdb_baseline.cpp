#include "log/lmdb_baseline.h"

#include <chrono>
#include <filesystem>

#include "log/coding.h"
#include "log/lmdb_env.h"

namespace orderstream::log {

Result<double> raw_lmdb_append_records_per_sec(const std::string& dir, size_t record_size,
                                               size_t batch, int64_t records) {
  if (batch == 0 || records <= 0) return invalid_argument("batch and records must be positive");
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(dir) / "data.mdb", ec))
    return invalid_argument(dir + " already holds an LMDB environment");
  std::filesystem::create_directories(dir, ec);
  if (ec) return io_error("cannot create " + dir + ": " + ec.message());
  LmdbEnv env;
  OS_RETURN_IF_ERROR(env.open(dir, 16ull << 30, 4, /*read_only=*/false));
  MDB_dbi dbi = 0;
  {
    LmdbTxn txn;
    OS_RETURN_IF_ERROR(txn.begin(env, false));
    OS_ASSIGN_OR_RETURN(dbi, txn.open_dbi("baseline", true));
    OS_RETURN_IF_ERROR(txn.commit());
  }
  std::string value(record_size, 'x');
  for (size_t i = 0; i < record_size; ++i) value[i] = static_cast<char>('a' + i % 26);
  char key[8];
  auto start = std::chrono::steady_clock::now();
  int64_t next = 0;
  while (next < records) {
    LmdbTxn txn;
    OS_RETURN_IF_ERROR(txn.begin(env, false));
    int64_t end = std::min<int64_t>(records, next + static_cast<int64_t>(batch));
    for (; next < end; ++next) {
      encode_fixed64_be(key, static_cast<uint64_t>(next));
      OS_RETURN_IF_ERROR(txn.put(dbi, std::string_view(key, 8), value, MDB_APPEND));
    }
    OS_RETURN_IF_ERROR(txn.commit());
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(records) / std::max(secs, 1e-9);
}

}  // namespace orderstream::log
