// The idempotent producer's rules as Kafka's broker applies them: duplicates among the last five
// batches, gaps, epochs, sequence wrap-around, and the stored form of an entry.
#include "api/kafka_producers.h"

#include <doctest/doctest.h>

#include <limits>

#include "kafka/protocol.h"
#include "support/check_ok.h"
#include "support/open_log.h"

namespace orderstream::api {
namespace {

namespace kerr = kafka::errors;

ProducerEntry after_batches(int16_t epoch, int count) {
  ProducerEntry e;
  for (int i = 0; i < count; ++i) remember_batch(&e, epoch, {i * 10, i * 10 + 9, i * 100});
  return e;
}

TEST_SUITE("kafka producers") {
  TEST_CASE("a producer new to a partition may start at any sequence, a known one must follow on") {
    CHECK(check_sequence({}, 0, 0, 9).kind == SequenceCheck::kAppend);
    CHECK(check_sequence({}, 0, 42, 50).kind == SequenceCheck::kAppend);  // its state may have been removed
    ProducerEntry e = after_batches(0, 2);                             // batches 0-9, 10-19
    CHECK(check_sequence(e, 0, 20, 24).kind == SequenceCheck::kAppend);
    SequenceCheck gap = check_sequence(e, 0, 25, 30);
    CHECK(gap.kind == SequenceCheck::kError);
    CHECK(gap.error_code == kerr::kOutOfOrderSequenceNumber);
    CHECK(check_sequence(e, 0, 15, 19).error_code == kerr::kOutOfOrderSequenceNumber);  // overlaps, not equal
  }

  TEST_CASE("a batch equal to one of the last five is a duplicate answered with its first offset") {
    ProducerEntry e = after_batches(0, 7);  // remembers batches 2..6
    CHECK(e.recent.size() == kRememberedBatches);
    SequenceCheck dup = check_sequence(e, 0, 30, 39);
    CHECK(dup.kind == SequenceCheck::kDuplicate);
    CHECK(dup.base_offset == 300);
    CHECK(check_sequence(e, 0, 60, 69).base_offset == 600);
    // Too old to be remembered: neither a duplicate nor next in line.
    CHECK(check_sequence(e, 0, 10, 19).error_code == kerr::kOutOfOrderSequenceNumber);
  }

  TEST_CASE("an older epoch is fenced, a newer one starts again at sequence 0") {
    ProducerEntry e = after_batches(3, 2);
    CHECK(check_sequence(e, 2, 20, 29).error_code == kerr::kInvalidProducerEpoch);
    CHECK(check_sequence(e, 4, 0, 9).kind == SequenceCheck::kAppend);
    CHECK(check_sequence(e, 4, 20, 29).error_code == kerr::kOutOfOrderSequenceNumber);
    remember_batch(&e, 4, {0, 9, 500});
    CHECK(e.epoch == 4);
    CHECK(e.recent.size() == 1);  // the old epoch's batches are forgotten
  }

  TEST_CASE("sequences wrap from INT32_MAX to 0") {
    constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
    CHECK(last_sequence(kMax - 1, 2) == kMax);
    CHECK(last_sequence(kMax - 1, 3) == 0);
    CHECK(last_sequence(kMax, 5) == 3);
    ProducerEntry e;
    remember_batch(&e, 0, {kMax - 4, kMax, 0});
    CHECK(check_sequence(e, 0, 0, 4).kind == SequenceCheck::kAppend);
  }

  TEST_CASE("entries round-trip through their stored form and bad bytes are refused") {
    ProducerEntry e = after_batches(7, 3);
    auto back = decode_producer_entry(encode_producer_entry(e));
    REQUIRE(back.has_value());
    CHECK(back->epoch == 7);
    REQUIRE(back->recent.size() == 3);
    CHECK(back->recent[2].first_seq == 20);
    CHECK(back->recent[2].last_seq == 29);
    CHECK(back->recent[2].base_offset == 200);
    std::string bytes = encode_producer_entry(e);
    CHECK_FALSE(decode_producer_entry(bytes.substr(0, bytes.size() - 1)).has_value());
    CHECK_FALSE(decode_producer_entry(bytes + "x").has_value());
    CHECK_FALSE(decode_producer_entry(std::string("\0\0\0\0\0\x09", 6)).has_value());  // 9 batches
    CHECK(producer_key(1, "t", 2) != producer_key(1, "t", 3));
    CHECK(producer_key(1, "t", 2) != producer_key(2, "t", 2));
  }
}

TEST_CASE("new producer ids sweep the store step by step, dropping producers idle for a day") {
  test::TempDir dir{"os-kafka-producers"};
  auto log = test::open_log(dir);
  int64_t now = 0;
  REQUIRE_OK(log->write([&](log::WriteTxn& w) {
    now = w.now_ms();
    for (int i = 0; i < 100; ++i) {
      ProducerEntry idle;
      idle.epoch = 0;
      idle.last_ms = now - kProducerExpirationMs - 1000;
      OS_RETURN_IF_ERROR(w.put(kProducerStore, producer_key(i, "t", 0), encode_producer_entry(idle)));
    }
    ProducerEntry active;
    active.epoch = 0;
    active.last_ms = now;
    return w.put(kProducerStore, producer_key(500, "t", 0), encode_producer_entry(active));
  }));
  auto entries = [&] {
    size_t n = 0;
    auto view = log->read_view();
    REQUIRE_OK(view.status());
    REQUIRE_OK(view->scan_store(kProducerStore, "", [&](std::string_view key, std::string_view) {
      if (key.size() >= 12) ++n;
      return true;
    }));
    return n;
  };
  std::vector<int64_t> ids;
  auto allocate = [&] {
    REQUIRE_OK(log->write([&](log::WriteTxn& w) {
      OS_ASSIGN_OR_RETURN(int64_t id, allocate_producer_id(w));
      ids.push_back(id);
      return Status::ok();
    }));
  };
  allocate();
  CHECK(entries() == 101 - kExpirySweepStep);  // the first step: 64 idle ones gone
  allocate();
  CHECK(entries() == 1);  // the rest, up to the end; the active producer stays
  allocate();
  CHECK(entries() == 1);
  CHECK(ids == std::vector<int64_t>{0, 1, 2});
}

}  // namespace
}  // namespace orderstream::api
