// What one commit writes when it touches many LMDB databases, against the same records kept in
// one database with a key range each: the per-commit cost behind `bench pipeline`, whose
// commits touch about 60 databases (each partition of each topic, each task's stores).
// Raw LMDB (of orderstream only common/proc_io.h). Usage: lmdb_commit_pages_bench DATABASES separate|shared DIR
// (DIR must exist and be empty). Prints the bytes passed to write(2) per commit (/proc/self/io
// "wchar"), per record, the median commit time (fdatasync included) and records/s.
#include <lmdb.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/proc_io.h"

namespace {

constexpr int kPrefill = 50000;   // records per range before timing: B-trees of depth 3
constexpr int kCommits = 200;
constexpr int kPerRange = 10;     // records each commit adds to each range
constexpr size_t kValueSize = 150;  // about an order record's value

// 4-byte range, 8-byte offset, big-endian: ranges sort apart, offsets append within them.
void make_key(char* k, uint32_t range, uint64_t offset) {
  for (int i = 0; i < 4; ++i) k[i] = static_cast<char>(range >> (24 - 8 * i));
  for (int i = 0; i < 8; ++i) k[4 + i] = static_cast<char>(offset >> (56 - 8 * i));
}

bool ok(int rc, const char* what) {
  if (rc == MDB_SUCCESS) return true;
  std::fprintf(stderr, "%s: %s\n", what, mdb_strerror(rc));
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 || (std::string(argv[2]) != "separate" && std::string(argv[2]) != "shared")) {
    std::fprintf(stderr, "usage: %s DATABASES separate|shared DIR\n", argv[0]);
    return 2;
  }
  const int ranges = std::atoi(argv[1]);
  const bool shared = std::string(argv[2]) == "shared";
  if (ranges < 1 || ranges > 200) {
    std::fprintf(stderr, "DATABASES must be 1..200\n");
    return 2;
  }
  MDB_env* env = nullptr;
  if (!ok(mdb_env_create(&env), "mdb_env_create") || !ok(mdb_env_set_maxdbs(env, 256), "mdb_env_set_maxdbs") ||
      !ok(mdb_env_set_mapsize(env, size_t{8} << 30), "mdb_env_set_mapsize") ||
      !ok(mdb_env_open(env, argv[3], MDB_NORDAHEAD, 0644), "mdb_env_open"))
    return 1;
  std::vector<MDB_dbi> dbis(static_cast<size_t>(ranges));
  std::string value(kValueSize, 'x');
  char key[12];
  MDB_txn* txn = nullptr;
  if (!ok(mdb_txn_begin(env, nullptr, 0, &txn), "mdb_txn_begin")) return 1;
  for (int r = 0; r < ranges; ++r) {
    std::string name = shared ? "all" : "db" + std::to_string(r);
    if (!ok(mdb_dbi_open(txn, name.c_str(), MDB_CREATE, &dbis[static_cast<size_t>(r)]), "mdb_dbi_open")) return 1;
    for (int i = 0; i < kPrefill; ++i) {
      make_key(key, shared ? static_cast<uint32_t>(r) : 0, static_cast<uint64_t>(i));
      MDB_val k{sizeof(key), key}, v{value.size(), value.data()};
      if (!ok(mdb_put(txn, dbis[static_cast<size_t>(r)], &k, &v, 0), "mdb_put")) return 1;
    }
  }
  if (!ok(mdb_txn_commit(txn), "mdb_txn_commit")) return 1;

  int64_t written_before = orderstream::process_bytes_written();
  auto start = std::chrono::steady_clock::now();
  std::vector<double> commit_ms;
  for (int c = 0; c < kCommits; ++c) {
    auto t0 = std::chrono::steady_clock::now();
    if (!ok(mdb_txn_begin(env, nullptr, 0, &txn), "mdb_txn_begin")) return 1;
    for (int r = 0; r < ranges; ++r)
      for (int i = 0; i < kPerRange; ++i) {
        make_key(key, shared ? static_cast<uint32_t>(r) : 0, static_cast<uint64_t>(kPrefill + c * kPerRange + i));
        MDB_val k{sizeof(key), key}, v{value.size(), value.data()};
        if (!ok(mdb_put(txn, dbis[static_cast<size_t>(r)], &k, &v, 0), "mdb_put")) return 1;
      }
    if (!ok(mdb_txn_commit(txn), "mdb_txn_commit")) return 1;
    commit_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto written = static_cast<double>(orderstream::process_bytes_written() - written_before);
  std::sort(commit_ms.begin(), commit_ms.end());
  double records = static_cast<double>(ranges) * kPerRange * kCommits;
  std::printf("%d ranges in %s: %.0f KB written per commit (%.0f B per %zu B record), commit p50 %.2f ms, %.0f records/s\n",
              ranges, shared ? "one database" : "a database each", written / 1024.0 / kCommits, written / records,
              kValueSize + sizeof(key), commit_ms[commit_ms.size() / 2], records / secs);
  mdb_env_close(env);
  return 0;
}
