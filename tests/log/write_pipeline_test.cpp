#include "log/group_writer.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/guarded.h"
#include "log/test_util.h"
#include "support/wait.h"

namespace orderstream::log {
namespace {

using test::LogFixture;
using test::tp_of;

Log::WriteFn append_fn(std::string key, Status outcome = Status::ok()) {
  return [key = std::move(key), outcome](WriteTxn& w) -> Status {
    RecordData r;
    r.key = std::string_view(key);
    r.value = std::string_view(key);
    OS_RETURN_IF_ERROR(w.append(tp_of("t"), r).status());
    return outcome;
  };
}

std::vector<std::string> keys_of(const std::vector<Record>& records) {
  std::vector<std::string> keys;
  for (const Record& r : records) keys.push_back(*r.key);
  return keys;
}

TEST_SUITE("log write pipeline") {
  TEST_CASE("write_all gives each write its own status and keeps the others of a failed one") {
    LogFixture f;
    f.create("t");
    std::vector<Log::WriteFn> fns{append_fn("a"), append_fn("b", aborted("planned")), append_fn("c"),
                                  append_fn("d", invalid_argument("bad")), append_fn("e")};
    std::vector<Status> out(fns.size());
    f.log->write_all(fns, out);
    CHECK_OK(out[0]);
    CHECK(out[1].code() == StatusCode::kAborted);
    CHECK_OK(out[2]);
    CHECK(out[3].code() == StatusCode::kInvalidArgument);
    CHECK_OK(out[4]);
    // The failed writes left nothing behind; the others are stored once, in order.
    CHECK(keys_of(f.read_all("t", 0)) == std::vector<std::string>{"a", "c", "e"});
  }

  TEST_CASE("one bad write in a group of a hundred costs one redo of the txn, and one commit stores the rest") {
    LogFixture f;
    f.create("t");
    metrics::Registry registry;
    LogMetrics m;
    m.commits = &registry.counter("commits", "");
    f.log->set_metrics(m);
    std::atomic<int> runs{0};
    std::vector<Log::WriteFn> fns;
    for (int i = 0; i < 100; ++i) {
      Status outcome = i == 50 ? invalid_argument("a keyless record for a compacted topic, say") : Status::ok();
      fns.push_back([&runs, inner = append_fn("k" + std::to_string(i), outcome)](WriteTxn& w) {
        runs.fetch_add(1);
        return inner(w);
      });
    }
    std::vector<Status> out(fns.size());
    f.log->write_all(fns, out);
    CHECK(out[50].code() == StatusCode::kInvalidArgument);
    // The first 50 ran twice (the txn the bad one spoiled, then its redo), the rest once: never
    // a txn, let alone an fdatasync, per write.
    CHECK(runs.load() == 150);
    CHECK(m.commits->value() == 1);
    CHECK(f.read_all("t", 0).size() == 99);
    f.log->set_metrics({});
  }

  TEST_CASE("write_all with more writes than one group holds completes them all in order") {
    LogFixture f;
    f.create("t");
    constexpr int kWrites = 3000;  // beyond the group cap: several groups, one caller
    std::vector<Log::WriteFn> fns;
    std::vector<std::string> expected;
    for (int i = 0; i < kWrites; ++i) {
      expected.push_back("k" + std::to_string(i));
      fns.push_back(append_fn(expected.back()));
    }
    std::vector<Status> out(fns.size());
    f.log->write_all(fns, out);
    for (const Status& st : out) REQUIRE_OK(st);
    CHECK(keys_of(f.read_all("t", 0)) == expected);
  }

  TEST_CASE("write_all from several threads at once: every write lands exactly once") {
    LogFixture f;
    f.create("t");
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int round = 0; round < 20; ++round) {
          std::vector<Log::WriteFn> fns;
          for (int i = 0; i < 10; ++i)
            fns.push_back(append_fn(std::to_string(t) + "/" + std::to_string(round) + "/" + std::to_string(i)));
          std::vector<Status> out(fns.size());
          f.log->write_all(fns, out);
          for (const Status& st : out) failures += st.is_ok() ? 0 : 1;
        }
      });
    for (auto& t : threads) t.join();
    CHECK(failures == 0);
    std::vector<std::string> keys = keys_of(f.read_all("t", 0));
    CHECK(keys.size() == 4 * 20 * 10);
    std::sort(keys.begin(), keys.end());
    CHECK(std::adjacent_find(keys.begin(), keys.end()) == keys.end());
  }

  TEST_CASE("a durable commit makes the commits before it durable, so their sync is free") {
    LogFixture f;  // durable by default: each commit fdatasyncs its pages
    f.create("t");
    f.append("t", 0, {{"a", "1"}});
    uint64_t first = f.log->version();
    f.append("t", 0, {{"b", "2"}});
    // The second commit's fdatasync came after the first commit wrote its meta page.
    CHECK(f.log->durable_version() >= first);
    CHECK(f.log->durable_version() < f.log->version());
    CHECK_OK(f.log->sync_to(first));
    CHECK(f.log->durable_version() < f.log->version());  // that needed no sync
    CHECK_OK(f.log->sync());
    CHECK(f.log->durable_version() == f.log->version());
  }

  TEST_CASE("a commit that changed nothing makes nothing durable") {
    LogFixture f;
    f.create("t");
    f.append("t", 0, {{"a", "1"}});
    uint64_t before = f.log->durable_version();
    // LMDB neither writes nor syncs an empty txn.
    CHECK_OK(f.log->write([](WriteTxn&) { return Status::ok(); }));
    CHECK(f.log->durable_version() == before);
  }

  TEST_CASE("lazy mode commits like durable mode: each commit makes the ones before it durable") {
    // Lazy mode only answers without waiting; a commit without its fdatasync (MDB_NOSYNC) could
    // leave a power-cut file unopenable.
    LogFixture f;
    f.options.sync_mode = SyncMode::kLazy;
    REQUIRE_OK(f.reopen());
    f.create("t");
    f.append("t", 0, {{"a", "1"}});
    uint64_t first = f.log->version();
    f.append("t", 0, {{"b", "2"}});
    CHECK(f.log->durable_version() >= first);
    CHECK(f.log->durable_version() < f.log->version());
    CHECK_OK(f.log->sync());
    CHECK(f.log->durable_version() == f.log->version());
  }

  TEST_CASE("a done callback that throws is logged and counted, and the writer goes on") {
    LogFixture f;
    f.create("t");
    GroupWriter writer(*f.log, 1000, /*durable=*/true);
    const uint64_t before = callback_exceptions();
    std::atomic<int> later{0};
    REQUIRE_OK(writer.submit(append_fn("boom"), [](const Status&) { throw std::runtime_error("a bug in a callback"); }));
    for (int i = 0; i < 3; ++i)
      REQUIRE_OK(writer.submit(append_fn("after-" + std::to_string(i)), [&](const Status& st) {
        if (st.is_ok()) later.fetch_add(1);
      }));
    REQUIRE(orderstream::test::wait_until([&] { return later.load() == 3; }, std::chrono::seconds(30)));
    CHECK(callback_exceptions() == before + 1);
    writer.stop();
    CHECK(keys_of(f.read_all("t", 0)).size() == 4);  // the throwing op's write was stored too
  }

  TEST_CASE("the group writer acknowledges each op with its own write's status, once durable") {
    LogFixture f;
    f.create("t");
    GroupWriter writer(*f.log, 1000, /*durable=*/true);
    std::mutex mu;
    std::vector<std::pair<std::string, Status>> results;
    constexpr int kOps = 300;
    std::map<std::string, uint64_t> written_after;  // GUARDED_BY(mu): version() seen in the txn
    for (int i = 0; i < kOps; ++i) {
      std::string key = "op-" + std::to_string(i);
      Status outcome = i % 7 == 3 ? aborted("planned") : Status::ok();
      auto fn = [&, key, inner = append_fn(key, outcome)](WriteTxn& w) {
        {
          std::lock_guard lock(mu);
          written_after[key] = f.log->version();  // the commit of this txn comes after it
        }
        return inner(w);
      };
      REQUIRE_OK(writer.submit(fn, [&, key](const Status& st) {
        std::lock_guard lock(mu);
        // Acknowledged only once its commit is durable.
        if (st.is_ok()) CHECK(f.log->durable_version() > written_after[key]);
        results.emplace_back(key, st);
      }));
    }
    REQUIRE(orderstream::test::wait_until(
        [&] {
          std::lock_guard lock(mu);
          return results.size() == kOps;
        },
        std::chrono::seconds(60)));
    writer.stop();
    std::vector<std::string> stored = keys_of(f.read_all("t", 0));
    std::sort(stored.begin(), stored.end());
    int acked = 0;
    for (const auto& [key, st] : results) {
      bool is_stored = std::binary_search(stored.begin(), stored.end(), key);
      int i = std::stoi(key.substr(3));
      if (i % 7 == 3) {
        CHECK(st.code() == StatusCode::kAborted);
        CHECK_MESSAGE(!is_stored, key << " failed but is stored");
      } else {
        CHECK_OK(st);
        CHECK_MESSAGE(is_stored, key << " was acknowledged but is not stored");
        ++acked;
      }
    }
    CHECK(static_cast<size_t>(acked) == stored.size());
    CHECK(f.log->durable_version() == f.log->version());
  }
}

}  // namespace
}  // namespace orderstream::log
