#include "log/log.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "log/test_util.h"

namespace orderstream::log {
namespace {

using test::KV;
using test::LogFixture;

std::vector<int64_t> offsets(const std::vector<Record>& rs) {
  std::vector<int64_t> out;
  for (const auto& r : rs) out.push_back(r.offset.v);
  return out;
}

TopicConfig compacted(int64_t delete_retention_ms = 1000) {
  TopicConfig c;
  c.cleanup_policy = CleanupPolicy::kCompact;
  c.delete_retention_ms = delete_retention_ms;
  return c;
}

CleanerStats compact(LogFixture& f, const std::string& topic, int64_t now_ms) {
  auto r = f.log->compact(topic, now_ms);
  REQUIRE_OK(r);
  return *r;
}

CleanerStats retain(LogFixture& f, int64_t now_ms) {
  auto r = f.log->enforce_retention(now_ms);
  REQUIRE_OK(r);
  return *r;
}

TEST_SUITE("cleaner") {
  TEST_CASE("compaction keeps the latest record per key and never changes offsets") {
    LogFixture f;
    f.create("c", 1, compacted());
    f.append("c", 0, {{"k1", "a", 100}, {"k2", "a", 100}, {"k1", "b", 100}, {"k3", "a", 100},
                      {"k2", "b", 100}});
    CleanerStats s = compact(f, "c", 200);
    CHECK(s.records_removed == 2);
    CHECK(s.bytes_removed > 0);
    auto rs = f.read_all("c", 0);
    CHECK(offsets(rs) == std::vector<int64_t>{2, 3, 4});
    CHECK(rs[0].value == "b");
    PartitionInfo i = f.info("c", 0);
    CHECK(i.start == Offset(0));  // only retention moves the log start, as in Kafka
    CHECK(i.end == Offset(5));
    CHECK(i.count == 3);
    // Reads from inside a gap continue at the next stored record.
    CHECK(offsets(f.read_all("c", 0, Offset(0))) == std::vector<int64_t>{2, 3, 4});
    // Compaction is idempotent, and appends continue after the end.
    CHECK(compact(f, "c", 200).records_removed == 0);
    CHECK(f.append("c", 0, {{"k3", "b", 100}}) == std::vector<Offset>{Offset(5)});
    compact(f, "c", 200);
    CHECK(offsets(f.read_all("c", 0)) == std::vector<int64_t>{2, 4, 5});
    REQUIRE_OK(f.reopen());
    CHECK(offsets(f.read_all("c", 0)) == std::vector<int64_t>{2, 4, 5});
    CHECK(f.info("c", 0).count == 3);
    CHECK_OK(f.log->verify([](auto&, auto, auto&) {}));
  }

  TEST_CASE("tombstones are kept until delete.retention.ms has passed, then removed") {
    LogFixture f;
    f.create("c", 1, compacted(1000));
    f.append("c", 0, {{"k1", "a", 100}, {"k2", "a", 100}, {"k1", std::nullopt, 500}});
    CleanerStats s = compact(f, "c", 1000);
    CHECK(s.records_removed == 1);
    CHECK(s.tombstones_removed == 0);
    auto rs = f.read_all("c", 0);
    REQUIRE(offsets(rs) == std::vector<int64_t>{1, 2});
    CHECK(!rs[1].value);
    CHECK(compact(f, "c", 1499).tombstones_removed == 0);
    s = compact(f, "c", 1500);
    CHECK(s.tombstones_removed == 1);
    CHECK(offsets(f.read_all("c", 0)) == std::vector<int64_t>{1});
    CHECK(f.info("c", 0).start == Offset(0));
    CHECK(f.info("c", 0).end == Offset(3));
  }

  TEST_CASE("compacting everything away leaves an empty partition whose reads continue at its end") {
    LogFixture f;
    f.create("c", 1, compacted(0));
    f.append("c", 0, {{"k", "a", 1}, {"k", std::nullopt, 1}});
    compact(f, "c", 10);
    PartitionInfo i = f.info("c", 0);
    CHECK(i.count == 0);
    CHECK(i.start == Offset(0));
    CHECK(i.end == Offset(2));
    CHECK(f.read_all("c", 0).empty());
    auto v = f.log->read_view();
    REQUIRE_OK(v);
    auto next = v->scan(test::tp_of("c"), Offset(0), 10, [](const RecordView&) { return true; });
    REQUIRE_OK(next);
    CHECK(*next == Offset(2));  // the end: nothing is stored before it
    CHECK(f.append("c", 0, {{"k", "b", 1}}) == std::vector<Offset>{Offset(2)});
    CHECK(f.info("c", 0).start == Offset(0));
    CHECK(offsets(f.read_all("c", 0)) == std::vector<int64_t>{2});
  }

  TEST_CASE("compaction over many records and pages keeps exactly the latest per key") {
    LogFixture f;
    f.create("c", 1, compacted());
    std::map<std::string, int64_t> latest;
    int64_t off = 0;
    for (int batch = 0; batch < 30; ++batch) {
      std::vector<KV> kvs;
      for (int i = 0; i < 100; ++i) {
        std::string key = "key-" + std::to_string((batch * 100 + i) * 7919 % 37);
        kvs.push_back({key, std::string(200, 'x'), 1});
        latest[key] = off++;
      }
      f.append("c", 0, kvs);
    }
    compact(f, "c", 2);
    std::vector<int64_t> want;
    for (auto& [k, o] : latest) want.push_back(o);
    std::sort(want.begin(), want.end());
    CHECK(offsets(f.read_all("c", 0)) == want);
    CHECK(f.info("c", 0).count == static_cast<int64_t>(want.size()));
    CHECK_OK(f.log->verify([](auto&, auto, auto&) {}));
  }

  TEST_CASE("compaction of all topics touches only compacted ones, and unknown topic is NotFound") {
    LogFixture f;
    f.create("c", 2, compacted());
    f.create("d", 1);
    f.append("c", 1, {{"k", "1", 1}, {"k", "2", 1}});
    f.append("d", 0, {{"k", "1", 1}, {"k", "2", 1}});
    CHECK(compact(f, "", 10).records_removed == 1);
    CHECK(f.read_all("d", 0).size() == 2);
    CHECK(f.log->compact("nope", 10).status().code() == StatusCode::kNotFound);
  }

  TEST_CASE("a compacted topic rejects records without a key") {
    LogFixture f;
    f.create("c", 1, compacted());
    auto r = f.try_append("c", PartitionId(0), {{"k", "v"}, {std::nullopt, "v"}});
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(f.read_all("c", 0).empty());
    // ... but a topic altered to compaction rejects them from then on.
    f.create("d", 1);
    f.append("d", 0, {{std::nullopt, "v"}});
    REQUIRE_OK(f.log->alter_topic("d", compacted()));
    CHECK(f.try_append("d", PartitionId(0), {{std::nullopt, "v"}}).status().code() ==
          StatusCode::kInvalidArgument);
  }

  TEST_CASE("retention by time deletes from the head only") {
    LogFixture f;
    TopicConfig c;
    c.retention_ms = 1000;
    f.create("d", 1, c);
    f.create("forever", 1, TopicConfig{CleanupPolicy::kDelete, -1, -1, 0});
    f.append("d", 0, {{"a", "1", 100}, {"b", "2", 200}, {"c", "3", 5000}, {"d", "4", 150}});
    f.append("forever", 0, {{"a", "1", 1}});
    CleanerStats s = retain(f, 1150);  // 100 + 1000 < 1150; 200 + 1000 is not
    CHECK(s.records_removed == 1);
    CHECK(offsets(f.read_all("d", 0)) == std::vector<int64_t>{1, 2, 3});
    s = retain(f, 1250);  // offset 1 goes; offset 2 is young, so old offset 3 stays behind it
    CHECK(s.records_removed == 1);
    CHECK(offsets(f.read_all("d", 0)) == std::vector<int64_t>{2, 3});
    CHECK(f.info("d", 0).start == Offset(2));
    s = retain(f, 100000);
    CHECK(s.records_removed == 2);
    PartitionInfo i = f.info("d", 0);
    CHECK(i.count == 0);
    CHECK(i.bytes == 0);
    CHECK(i.start == Offset(4));
    CHECK(i.end == Offset(4));
    CHECK(f.read_all("forever", 0).size() == 1);
    CHECK(f.append("d", 0, {{"e", "5", 100000}}) == std::vector<Offset>{Offset(4)});
  }

  TEST_CASE("retention by bytes keeps the newest records under the limit") {
    LogFixture f;
    f.create("d", 1);
    f.append("d", 0, {{"k", std::string(100, 'x')}});
    int64_t one = f.info("d", 0).bytes;
    TopicConfig c;
    c.retention_ms = -1;
    c.retention_bytes = 3 * one;
    REQUIRE_OK(f.log->alter_topic("d", c));
    for (int i = 0; i < 9; ++i) f.append("d", 0, {{"k", std::string(100, 'x')}});
    CleanerStats s = retain(f, 0);
    CHECK(s.records_removed == 7);
    CHECK(s.bytes_removed == 7 * one);
    CHECK(offsets(f.read_all("d", 0)) == std::vector<int64_t>{7, 8, 9});
    PartitionInfo i = f.info("d", 0);
    CHECK(i.bytes == 3 * one);
    CHECK(i.start == Offset(7));
    CHECK(retain(f, 0).records_removed == 0);
  }

  TEST_CASE("huge retention values mean forever and do not overflow") {
    LogFixture f;
    f.create("d", 1, TopicConfig{CleanupPolicy::kDelete, INT64_MAX, -1, INT64_MAX});
    f.create("c", 1, TopicConfig{CleanupPolicy::kCompact, INT64_MAX, -1, INT64_MAX});
    f.append("d", 0, {{"k", "v", INT64_MAX - 5}, {"k", "v", 1}});
    f.append("c", 0, {{"k", std::nullopt, INT64_MAX - 5}});
    CHECK(retain(f, INT64_MAX).records_removed == 0);
    CHECK(compact(f, "c", INT64_MAX).records_removed == 0);
    CHECK(retain(f, INT64_MIN + 1).records_removed == 0);
    CHECK(compact(f, "c", INT64_MIN + 1).records_removed == 0);
  }

  TEST_CASE("retention after compaction moves start to the first record kept") {
    LogFixture f;
    f.create("c", 1, compacted());
    f.append("c", 0, {{"a", "1", 1}, {"b", "1", 1}, {"a", "2", 1}, {"b", "2", 1}, {"c", "1", 1},
                      {"c", "2", 1}});
    compact(f, "c", 10);
    REQUIRE(offsets(f.read_all("c", 0)) == std::vector<int64_t>{2, 3, 5});
    int64_t bytes = f.info("c", 0).bytes;
    TopicConfig c;
    c.retention_ms = -1;
    c.retention_bytes = bytes - 1;  // one record must go
    REQUIRE_OK(f.log->alter_topic("c", c));
    CHECK(retain(f, 10).records_removed == 1);
    CHECK(offsets(f.read_all("c", 0)) == std::vector<int64_t>{3, 5});
    CHECK(f.info("c", 0).start == Offset(3));
    CHECK_OK(f.log->verify([](auto&, auto, auto&) {}));
  }
}

}  // namespace
}  // namespace orderstream::log
