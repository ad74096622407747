#include "log/log.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "log/test_util.h"

namespace orderstream::log {
namespace {

using test::KV;
using test::LogFixture;
using test::tp_of;

struct Problem {
  std::string tp;
  int64_t offset;
  std::string message;
};

std::vector<Problem> verify(LogFixture& f) {
  std::vector<Problem> out;
  Status st = f.log->verify([&](const TopicPartition& tp, Offset o, const Status& s) {
    out.push_back({tp.to_string(), o.v, s.to_string()});
  });
  CHECK(st.is_ok() == out.empty());
  return out;
}

std::string failed_summary(LogFixture& f) {
  std::string out;
  for (auto& pf : f.log->failed_partitions())
    out += pf.tp.to_string() + "@" + std::to_string(pf.offset.v) + ": " + pf.status.to_string() + "\n";
  return out;
}

// Ten records in t/0 (record 5 carries the marker), three in t/1, one in u/0.
struct CorruptLog : LogFixture {
  static constexpr const char* kMarker = "MARKER-5f3a9c";
  CorruptLog() {
    create("t", 2);
    create("u", 1, TopicConfig{CleanupPolicy::kDelete, 1000, -1, 0});
    for (int i = 0; i < 10; ++i)
      append("t", 0, {{"k" + std::to_string(i), i == 5 ? std::string(kMarker) : "value-" + std::to_string(i), 1}});
    append("t", 1, {{"a", "1", 1}, {"b", "2", 1}, {"c", "3", 1}});
    append("u", 0, {{"a", "1", 1}});
    close();
  }
};

TEST_SUITE("recovery") {
  TEST_CASE("a flipped byte in a stored record is found by verify, naming partition and offset") {
    CorruptLog f;
    REQUIRE(f.flip_byte(CorruptLog::kMarker, 3) >= 1);
    REQUIRE_OK(f.reopen());
    auto problems = verify(f);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].tp == "t/0");
    CHECK(problems[0].offset == 5);
    CHECK(problems[0].message.find("CRC") != std::string::npos);
  }

  TEST_CASE("a damaged partition is read-only up to the damage, and the others keep working") {
    CorruptLog f;
    REQUIRE(f.flip_byte(CorruptLog::kMarker, 3) >= 1);
    REQUIRE_OK(f.reopen());
    auto failed = f.log->failed_partitions();
    REQUIRE_MESSAGE(failed.size() == 1, failed_summary(f));
    CHECK(failed[0].tp == tp_of("t", 0));
    CHECK(failed[0].offset == Offset(5));
    CHECK(failed[0].status.code() == StatusCode::kCorruption);
    CHECK(failed[0].status.message().find("offset 5") != std::string::npos);

    // Appends to it fail with Corruption, and take nothing else in the same txn with them.
    auto r = f.try_append("t", PartitionId(0), {{"k", "v"}});
    CHECK(r.status().code() == StatusCode::kCorruption);
    CHECK(f.append("t", 1, {{"d", "4"}}) == std::vector<Offset>{Offset(3)});

    // Reads of good records before it work; reading the bad one names its offset.
    auto v = f.log->read_view();
    REQUIRE_OK(v);
    std::vector<int64_t> seen;
    auto next = v->scan(tp_of("t", 0), Offset(0), 100, [&](const RecordView& rv) {
      seen.push_back(rv.offset.v);
      return true;
    });
    CHECK(seen == std::vector<int64_t>{0, 1, 2, 3, 4});
    CHECK(next.status().code() == StatusCode::kCorruption);
    CHECK(next.status().message().find("t/0") != std::string::npos);
    CHECK(next.status().message().find("offset 5") != std::string::npos);
    auto good = v->read(tp_of("t", 0), Offset(0), 5);
    REQUIRE_OK(good);
    CHECK(good->size() == 5);
    auto after = v->read(tp_of("t", 0), Offset(6), 100);
    REQUIRE_OK(after);
    CHECK(after->size() == 4);

    // The cleaner leaves it alone and still cleans the rest.
    auto stats = f.log->enforce_retention(100000);
    REQUIRE_OK(stats);
    CHECK(stats->records_removed == 1);  // u/0's only record
    CHECK(f.info("t", 0).count == 10);
  }

  TEST_CASE("recovery run twice gives the same state and changes nothing") {
    CorruptLog f;
    REQUIRE(f.flip_byte(CorruptLog::kMarker, 3) >= 1);
    REQUIRE_OK(f.reopen());
    std::string first = failed_summary(f);
    PartitionInfo info = f.info("t", 0);
    REQUIRE_OK(f.reopen());
    CHECK(failed_summary(f) == first);
    PartitionInfo again = f.info("t", 0);
    CHECK(again.start == info.start);
    CHECK(again.end == info.end);
    CHECK(again.count == info.count);
    CHECK(again.bytes == info.bytes);
    CHECK(f.read_all("t", 1).size() == 3);
  }

  TEST_CASE("paranoid open fails on a damaged record, naming partition and offset") {
    CorruptLog f;
    REQUIRE(f.flip_byte(CorruptLog::kMarker, 3) >= 1);
    f.options.paranoid = true;
    Status st = f.reopen();
    CHECK(st.code() == StatusCode::kCorruption);
    CHECK(st.message().find("t/0") != std::string::npos);
    CHECK(st.message().find("offset 5") != std::string::npos);
    // A paranoid open of a clean log works.
    LogFixture clean;
    clean.create("t");
    clean.append("t", 0, {{"k", "v"}});
    clean.options.paranoid = true;
    CHECK_OK(clean.reopen());
  }

  TEST_CASE("damage outside the tail window is found by reads, verify and paranoid open") {
    CorruptLog f;
    REQUIRE(f.flip_byte(CorruptLog::kMarker, 3) >= 1);
    f.options.tail_check_records = 2;  // checks only offsets 8 and 9 of t/0
    REQUIRE_OK(f.reopen());
    CHECK(f.log->failed_partitions().empty());
    auto r = f.try_read_all("t", 0);
    CHECK(r.status().code() == StatusCode::kCorruption);
    CHECK(r.status().message().find("offset 5") != std::string::npos);
    // The read that met the damage failed the partition, as recovery would have: read-only,
    // named in health(), and the other partitions untouched.
    auto failed = f.log->health().failed_partitions;
    REQUIRE_MESSAGE(failed.size() == 1, failed_summary(f));
    CHECK(failed[0].tp == tp_of("t", 0));
    CHECK(failed[0].offset == Offset(5));
    CHECK(f.try_append("t", PartitionId(0), {{"k", "v"}}).status().code() == StatusCode::kCorruption);
    CHECK(f.append("t", 1, {{"d", "4"}}) == std::vector<Offset>{Offset(3)});
    CHECK(f.try_read_all("t", 0).status().code() == StatusCode::kCorruption);
    CHECK(f.log->failed_partitions().size() == 1);  // reported once, however often it is read
    auto problems = verify(f);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].offset == 5);
    f.options.paranoid = true;
    CHECK(f.reopen().code() == StatusCode::kCorruption);
  }

  TEST_CASE("damage in a record's header and length fields is detected too") {
    // Record 5 is: header(10) timestamp(8) key_len(4) "k5" value_len(4) marker.
    constexpr std::ptrdiff_t kRecordStart = -(10 + 8 + 4 + 2 + 4);
    std::ptrdiff_t at = 0;
    SUBCASE("masked crc") { at = kRecordStart; }
    SUBCASE("payload length") { at = kRecordStart + 4; }
    SUBCASE("record type") { at = kRecordStart + 8; }
    SUBCASE("format version") { at = kRecordStart + 9; }
    SUBCASE("timestamp") { at = kRecordStart + 10; }
    SUBCASE("value length") { at = -4; }
    CorruptLog f;
    REQUIRE(f.flip_byte(CorruptLog::kMarker, at) >= 1);
    REQUIRE_OK(f.reopen());
    REQUIRE_MESSAGE(f.log->failed_partitions().size() == 1, failed_summary(f));
    auto problems = verify(f);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].offset == 5);
    CHECK(f.try_read_all("t", 0, Offset(5)).status().code() == StatusCode::kCorruption);
  }
}

}  // namespace
}  // namespace orderstream::log
