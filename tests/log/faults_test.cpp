#include "log/log.h"

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "log/group_writer.h"
#include "log/test_util.h"
#include "support/wait.h"

namespace orderstream::log {
namespace {

using test::KV;
using test::LogFixture;
using test::tp_of;

// A log whose LMDB map is only kMapBytes: a few hundred KB of records fill it.
struct SmallMapLog : LogFixture {
  static constexpr uint64_t kMapBytes = 1ull << 20;
  SmallMapLog() {
    options.map_size_bytes = kMapBytes;
    REQUIRE_OK(reopen());
    create("keep");
    create("filler");
    append("keep", 0, {{"a", "1"}, {"b", "2"}});
  }
  // Appends 16 records of 1 KB per txn to `filler` until the map is full; returns that Status.
  Status fill() {
    std::string value(1024, 'x');
    for (int i = 0; i < 100000; ++i) {
      std::vector<KV> batch(16, KV{"k", value});
      auto r = try_append("filler", PartitionId(0), batch);
      if (!r.ok()) return r.status();
      appended += 16;
    }
    FAIL("the map never filled up");
    return Status::ok();
  }
  int64_t appended = 0;
};

TEST_SUITE("log faults") {
  TEST_CASE("a full map answers NoSpace, keeps every commit before it, and is not sticky") {
    SmallMapLog f;
    Status st = f.fill();
    CHECK(st.code() == StatusCode::kNoSpace);
    CHECK(st.message().find("--map-size-mb") != std::string::npos);
    LogHealth h = f.log->health();
    CHECK(h.storage_full.code() == StatusCode::kNoSpace);
    CHECK(h.no_space_errors >= 1);
    CHECK(h.write_failure.is_ok());
    CHECK(h.failed_partitions.empty());
    // Everything committed before is there, in one piece.
    CHECK(f.info("filler", 0).count == f.appended);
    CHECK(f.read_all("keep", 0).size() == 2);
    CHECK_OK(f.log->verify([](const TopicPartition&, Offset, const Status& s) { FAIL(s.to_string()); }));

    SUBCASE("freeing space lets writes succeed again without a restart") {
      // Deleting a topic returns its pages to LMDB's free list; a full map still has room for
      // the few pages that commit needs (otherwise the operator grows the map on restart).
      CHECK_OK(f.log->delete_topic("filler"));
      CHECK(f.append("keep", 0, {{"c", std::string(4096, 'y')}}) == std::vector<Offset>{Offset(2)});
      CHECK(f.log->health().storage_full.is_ok());
    }
    SUBCASE("a reopen with a bigger map lets writes succeed again") {
      f.options.map_size_bytes = 64ull << 20;
      REQUIRE_OK(f.reopen());
      CHECK(f.append("filler", 0, {{"k", std::string(64 * 1024, 'z')}}).size() == 1);
      CHECK(f.info("filler", 0).count == f.appended + 1);
      CHECK(f.log->health().storage_full.is_ok());
      CHECK(f.log->health().no_space_errors == 0);
    }
  }

  TEST_CASE("the group writer acknowledges exactly the operations that were stored when the map fills") {
    SmallMapLog f;
    GroupWriter writer(*f.log, 100000, /*durable=*/true);
    constexpr int kOps = 2000;  // 2 KB each: about four times what the map holds
    std::mutex mu;
    std::map<std::string, Status> results;
    std::string value(2048, 'v');
    for (int i = 0; i < kOps; ++i) {
      std::string key = "op-" + std::to_string(i);
      Status st = writer.submit(
          [key, &value](WriteTxn& w) {
            RecordData r;
            r.key = std::string_view(key);
            r.value = std::string_view(value);
            return w.append(tp_of("filler"), r).status();
          },
          [key, &mu, &results](const Status& s) {
            std::lock_guard lock(mu);
            results[key] = s;
          });
      REQUIRE_OK(st);
    }
    REQUIRE(orderstream::test::wait_until(
        [&] {
          std::lock_guard lock(mu);
          return results.size() == kOps;
        },
        std::chrono::seconds(120)));
    writer.stop();
    std::map<std::string, int> stored;
    for (const Record& r : f.read_all("filler", 0)) ++stored[*r.key];
    int acked = 0, refused = 0;
    for (const auto& [key, st] : results) {
      if (st.is_ok()) {
        ++acked;
        CHECK_MESSAGE(stored[key] == 1, key << " was acknowledged but is stored " << stored[key] << " times");
      } else {
        ++refused;
        CHECK_MESSAGE(st.code() == StatusCode::kNoSpace, st.to_string());
        CHECK_MESSAGE(stored.count(key) == 0, key << " was refused but is stored");
      }
    }
    CHECK(acked > 0);
    CHECK(refused > 0);
    CHECK(f.info("filler", 0).count == acked);
  }
}

}  // namespace
}  // namespace orderstream::log
