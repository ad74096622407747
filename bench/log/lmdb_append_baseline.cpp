// Raw-LMDB append baseline on its own: MDB_APPEND of fixed-size values in batches, no log on top.
// Usage: lmdb_append_baseline [records=2000000] [record_size=100] [batch=1000]
// `orderstream bench log` runs the same function next to the log and prints the ratio.
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "log/lmdb_baseline.h"

int main(int argc, char** argv) {
  long long records = argc > 1 ? std::atoll(argv[1]) : 2000000;
  long long record_size = argc > 2 ? std::atoll(argv[2]) : 100;
  long long batch = argc > 3 ? std::atoll(argv[3]) : 1000;
  if (records <= 0 || record_size < 0 || batch <= 0) {
    std::fprintf(stderr, "usage: lmdb_append_baseline [records] [record_size] [batch]\n");
    return 2;
  }
  std::string dir = (std::filesystem::temp_directory_path() / "lmdb-baseline-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  auto rps = orderstream::log::raw_lmdb_append_records_per_sec(
      dir, static_cast<size_t>(record_size), static_cast<size_t>(batch), records);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (!rps.ok()) {
    std::fprintf(stderr, "lmdb_append_baseline: error: %s\n", rps.status().message().c_str());
    return 1;
  }
  std::printf("raw LMDB append: %lld records of %lld B in batches of %lld: %.0f records/s, %.1f MB/s\n",
              records, record_size, batch, *rps, *rps * static_cast<double>(record_size) / 1e6);
  return 0;
}
