// Test fixture for the log: a Log in its own temp dir, with verbs (append, read_all, flip_byte,
// reopen, run_child) so each test case reads like a line of the spec. One owner thread.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "common/status.h"
#include "log/log.h"
#include "support/check_ok.h"
#include "support/temp_dir.h"

namespace orderstream::log::test {

using orderstream::test::TempDir;

// A seed for randomized tests: OS_SEED from the environment, else random; always printed so a
// failure can be replayed.
inline uint64_t test_seed(const char* what) {
  uint64_t seed;
  if (const char* env = std::getenv("OS_SEED")) {
    seed = std::strtoull(env, nullptr, 10);
  } else {
    seed = std::random_device{}();
    seed = (seed << 32) ^ std::random_device{}();
  }
  MESSAGE(std::string(what) << ": seed " << seed << " (replay with OS_SEED=" << seed << ")");
  return seed;
}

inline std::string random_bytes(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// Runs fn in a forked child and returns its exit code (128 + signal if killed). fn returns the
// exit code; the child never returns into doctest and skips destructors (_exit).
inline int run_child(const std::function<int()>& fn) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) ::_exit(fn());
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

struct KV {
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp_ms = kNowTimestamp;
};

struct LogFixture {
  TempDir dir{"os-log"};
  LogOptions options;
  std::unique_ptr<Log> log;

  LogFixture() {
    options.dir = dir.str();
    options.create_if_missing = true;
    options.map_size_bytes = 256ull << 20;
    REQUIRE_OK(reopen());
  }

  void close() { log.reset(); }
  // Closes and opens again with `options`.
  Status reopen() {
    log.reset();
    auto r = Log::open(options);
    if (!r.ok()) return r.status();
    log = std::move(r).value();
    return Status::ok();
  }

  void create(const std::string& topic, int32_t partitions = 1, const TopicConfig& config = {}) {
    REQUIRE_OK(log->create_topic(topic, partitions, config));
  }

  Result<std::vector<Offset>> try_append(const std::string& topic, std::optional<PartitionId> p,
                                         const std::vector<KV>& kvs) {
    std::vector<RecordData> rs;
    for (const KV& kv : kvs) {
      RecordData r;
      if (kv.key) r.key = std::string_view(*kv.key);
      if (kv.value) r.value = std::string_view(*kv.value);
      r.timestamp_ms = kv.timestamp_ms;
      rs.push_back(r);
    }
    return log->append(topic, p, rs);
  }
  std::vector<Offset> append(const std::string& topic, int32_t partition,
                             const std::vector<KV>& kvs) {
    auto r = try_append(topic, PartitionId(partition), kvs);
    REQUIRE_OK(r);
    return *r;
  }
  Offset append_one(const std::string& topic, int32_t partition, std::string key,
                    std::string value, int64_t ts = kNowTimestamp) {
    return append(topic, partition, {KV{std::move(key), std::move(value), ts}}).at(0);
  }

  Result<std::vector<Record>> try_read_all(const std::string& topic, int32_t partition,
                                           Offset from = Offset(0)) const {
    OS_ASSIGN_OR_RETURN(ReadView v, log->read_view());
    return v.read(TopicPartition{topic, PartitionId(partition)}, from, SIZE_MAX);
  }
  std::vector<Record> read_all(const std::string& topic, int32_t partition,
                               Offset from = Offset(0)) const {
    auto r = try_read_all(topic, partition, from);
    REQUIRE_OK(r);
    return *r;
  }
  PartitionInfo info(const std::string& topic, int32_t partition) const {
    auto v = log->read_view();
    REQUIRE_OK(v);
    auto i = v->partition_info(TopicPartition{topic, PartitionId(partition)});
    REQUIRE_OK(i);
    return *i;
  }

  std::string data_file() const { return dir.file("data.mdb"); }
  // Flips one bit of the byte at `at` relative to every copy of `marker` in data.mdb (LMDB's copy-on-write leaves
  // stale copies in free pages; flipping them too keeps the test independent of which is live).
  // REQUIRES: the log is closed. Returns how many copies were changed.
  int flip_byte(const std::string& marker, std::ptrdiff_t at = 0) {
    REQUIRE(log == nullptr);
    std::string bytes = read_file(data_file());
    int n = 0;
    for (size_t pos = bytes.find(marker); pos != std::string::npos;
         pos = bytes.find(marker, pos + 1)) {
      size_t i = pos + static_cast<size_t>(at);  // `at` may be negative: bytes before the marker
      REQUIRE(i < bytes.size());
      bytes[i] = static_cast<char>(bytes[i] ^ 0x10);
      ++n;
    }
    std::ofstream out(data_file(), std::ios::binary | std::ios::in | std::ios::out);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
    return n;
  }
  static std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

inline TopicPartition tp_of(const std::string& topic, int32_t p = 0) {
  return TopicPartition{topic, PartitionId(p)};
}

}  // namespace orderstream::log::test
