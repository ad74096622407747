#include "log/log.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cinttypes>
#include <chrono>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "log/test_util.h"

namespace orderstream::log {
namespace {

using test::KV;
using test::LogFixture;

constexpr int kPartitions = 3;

// Batch b has 1 + b % 7 records, all in partition b % 3; each record's value names its batch,
// its index and the batch size, so a reader can tell whole batches from partial ones.
std::vector<KV> make_batch(int64_t b, const std::string& pad) {
  int n = 1 + static_cast<int>(b % 7);
  std::vector<KV> kvs;
  for (int i = 0; i < n; ++i)
    kvs.push_back({"b" + std::to_string(b),
                   std::to_string(b) + " " + std::to_string(i) + " " + std::to_string(n) + " " + pad,
                   b});
  return kvs;
}

// Child: appends batches forever, one write each, and reports each committed batch number on fd.
[[noreturn]] void run_writer(const LogOptions& options, int fd, size_t pad_bytes) {
  auto log = Log::open(options);
  if (!log.ok()) ::_exit(2);
  std::string pad(pad_bytes, 'p');
  for (int64_t b = 0;; ++b) {
    auto kvs = make_batch(b, pad);
    std::vector<RecordData> rs;
    for (const KV& kv : kvs) rs.push_back(RecordData{*kv.key, *kv.value, kv.timestamp_ms, {}});
    if (!(*log)->append("t", PartitionId(static_cast<int32_t>(b % kPartitions)), rs).ok()) ::_exit(3);
    if (::write(fd, &b, sizeof b) != sizeof b) ::_exit(4);
  }
}

// Reads batch numbers from fd until at least `want` arrived or the deadline passed; returns the
// highest seen (-1 if none).
int64_t await_reports(int fd, int64_t want, std::chrono::milliseconds deadline, int64_t highest) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (highest + 1 < want) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    int64_t b;
    ssize_t n = ::read(fd, &b, sizeof b);
    if (n == sizeof b) highest = std::max(highest, b);
    if (n == 0) break;  // the child exited
  }
  return highest;
}

// Reads what is left in the pipe after the child died.
int64_t drain_reports(int fd, int64_t highest) {
  int64_t b;
  while (::read(fd, &b, sizeof b) == sizeof b) highest = std::max(highest, b);
  return highest;
}

TEST_SUITE("crash") {
  TEST_CASE("a writer killed at a random moment leaves whole batches and every acked one") {
    std::mt19937_64 rng(test::test_seed("crash"));
    for (int round = 0; round < 4; ++round) {
      LogFixture f;
      f.create("t", kPartitions);
      f.close();
      int64_t k = 1 + static_cast<int64_t>(rng() % 300);
      size_t pad = rng() % 2 ? 10 : 3000;  // small records, or ones spanning LMDB overflow pages
      CAPTURE(round);
      CAPTURE(k);
      CAPTURE(pad);

      int fds[2];
      REQUIRE(::pipe(fds) == 0);
      std::fflush(nullptr);
      pid_t pid = ::fork();
      REQUIRE(pid >= 0);
      if (pid == 0) {
        ::close(fds[0]);
        run_writer(f.options, fds[1], pad);
      }
      ::close(fds[1]);
      int64_t reported = await_reports(fds[0], k, std::chrono::seconds(60), -1);
      ::kill(pid, SIGKILL);
      int status = 0;
      REQUIRE(::waitpid(pid, &status, 0) == pid);
      CHECK_MESSAGE(WIFSIGNALED(status), "the writer exited on its own with " << WEXITSTATUS(status));
      reported = drain_reports(fds[0], reported);
      ::close(fds[0]);
      REQUIRE(reported + 1 >= k);

      REQUIRE_OK(f.reopen());
      CHECK(f.log->failed_partitions().empty());
      CHECK_OK(f.log->verify([](const TopicPartition& tp, Offset o, const Status& st) {
        FAIL(tp.to_string() << "@" << o.v << ": " << st.to_string());
      }));
      // Group what survived by batch.
      std::map<int64_t, std::vector<std::pair<int, int>>> batches;  // b -> (index, size)
      for (int p = 0; p < kPartitions; ++p) {
        int64_t expect = 0;
        for (const Record& r : f.read_all("t", p)) {
          REQUIRE(r.offset == Offset(expect++));  // no holes
          int64_t b = 0;
          int i = 0, n = 0;
          REQUIRE(std::sscanf(r.value->c_str(), "%" SCNd64 " %d %d", &b, &i, &n) == 3);
          CHECK(b % kPartitions == p);
          CHECK(r.timestamp_ms == b);
          batches[b].emplace_back(i, n);
        }
      }
      int64_t last = batches.empty() ? -1 : batches.rbegin()->first;
      CHECK(last >= reported);                                      // nothing acked was lost
      CHECK(static_cast<int64_t>(batches.size()) == last + 1);     // no batch missing in between
      for (auto& [b, recs] : batches) {
        int n = 1 + static_cast<int>(b % 7);
        REQUIRE_MESSAGE(static_cast<int>(recs.size()) == n, "batch " << b << " is partial");
        for (int i = 0; i < n; ++i) CHECK(recs[static_cast<size_t>(i)] == std::make_pair(i, n));
      }
      MESSAGE("round " << round << ": killed after " << reported + 1 << " acked batches, "
                       << last + 1 << " survived");
      // The log takes appends again, continuing each partition's offsets.
      f.append("t", 0, {{"after", "crash"}});
    }
  }
}

}  // namespace
}  // namespace orderstream::log
