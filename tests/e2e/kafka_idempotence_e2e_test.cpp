// Idempotent producers against the real binary: InitProducerId hands out ids that survive a
// restart and are never reused, a retried batch (even after a crash) is answered with its first
// offset and stored once, a gap in the sequence and an older epoch are refused, a transactional
// id is refused, and kcat with enable.idempotence=true stores every record once.
#include "e2e/kafka_wire_client.h"
#include "e2e/kcat_run.h"
#include "e2e/server_fixture.h"
#include "kafka/record_batch.h"
#include "kafka/wire.h"

using namespace orderstream::test;
using orderstream::kafka::Reader;
using orderstream::kafka::Writer;

namespace {

constexpr int16_t kInitProducerId = 22;

struct ProducerId {
  int16_t error = 0;
  int64_t id = -1;
  int16_t epoch = -1;
};

ProducerId init_producer_id(KafkaWireClient& c, std::optional<std::string> transactional_id = std::nullopt) {
  Writer w;
  w.nullable_string(transactional_id);
  w.i32(60000);
  auto body = c.call(kInitProducerId, 1, w.take());
  REQUIRE(body.has_value());
  Reader r(*body);
  r.i32();  // throttle
  ProducerId p;
  p.error = r.i16();
  p.id = r.i64();
  p.epoch = r.i16();
  REQUIRE(r.ok());
  return p;
}

// One batch of `count` records to topic/partition 0 from producer (id, epoch) at `sequence`.
Produced produce(KafkaWireClient& c, const std::string& topic, int64_t id, int16_t epoch, int32_t sequence, int count) {
  orderstream::kafka::RecordBatch b;
  b.producer_id = id;
  b.producer_epoch = epoch;
  b.base_sequence = sequence;
  for (int i = 0; i < count; ++i) {
    auto& r = b.records.emplace_back();
    r.timestamp_ms = 1700000000000;
    r.offset_delta = i;
    r.value = "seq-" + std::to_string(sequence + i);
  }
  return produce_batch(c, topic, b);
}

}  // namespace

TEST_SUITE("e2e kafka idempotence") {
  TEST_CASE("a retried batch is stored once, even after a crash, and producer ids are never reused") {
    ServerFixture s;
    s.start(1);  // "ledger" is auto-created by the first Produce, with one partition
    int64_t first_id = -1;
    {
      KafkaWireClient c(s.kafka_port);
      ProducerId p = init_producer_id(c);
      REQUIRE(p.error == 0);
      CHECK(p.epoch == 0);
      first_id = p.id;
      CHECK(produce(c, "ledger", p.id, 0, 0, 3).base_offset == 0);
      Produced again = produce(c, "ledger", p.id, 0, 0, 3);  // the answer was "lost": a retry
      CHECK(again.error == 0);
      CHECK(again.base_offset == 0);
      CHECK(produce(c, "ledger", p.id, 0, 3, 2).base_offset == 3);  // stored after 3, not 6
    }
    s.crash();
    s.start(1);
    KafkaWireClient c(s.kafka_port);
    Produced retried = produce(c, "ledger", first_id, 0, 3, 2);
    CHECK(retried.error == 0);
    CHECK(retried.base_offset == 3);
    CHECK(produce(c, "ledger", first_id, 0, 5, 1).base_offset == 5);
    ProducerId next = init_producer_id(c);
    REQUIRE(next.error == 0);
    CHECK(next.id > first_id);
    // Exactly six records, as the producer sent them: seq-0 .. seq-5.
    CliRun read = kcat_run(s, {"-C", "-t", "ledger", "-e", "-q", "-f", "%s\\n"});
    REQUIRE_MESSAGE(read.code == 0, read.err);
    CHECK(read.out == "seq-0\nseq-1\nseq-2\nseq-3\nseq-4\nseq-5\n");
  }

  TEST_CASE("a gap in the sequence and an older epoch are refused and store nothing") {
    ServerFixture s;
    s.start(1);
    KafkaWireClient c(s.kafka_port);
    ProducerId p = init_producer_id(c);
    REQUIRE(p.error == 0);
    CHECK(produce(c, "ledger", p.id, 0, 0, 2).error == 0);
    Produced gap = produce(c, "ledger", p.id, 0, 5, 1);
    CHECK(gap.error == 45);  // OUT_OF_ORDER_SEQUENCE_NUMBER
    CHECK(gap.base_offset == -1);
    CHECK(produce(c, "ledger", p.id, 1, 0, 1).base_offset == 2);  // a new epoch starts again at 0
    CHECK(produce(c, "ledger", p.id, 0, 2, 1).error == 47);       // INVALID_PRODUCER_EPOCH
    CHECK(produce(c, "ledger", -1, -1, -1, 1).base_offset == 3);  // a plain producer is not checked
  }

  TEST_CASE("a transactional id is refused with TRANSACTIONAL_ID_AUTHORIZATION_FAILED") {
    ServerFixture s;
    s.start(1);
    KafkaWireClient c(s.kafka_port);
    ProducerId p = init_producer_id(c, "payments-tx");
    CHECK(p.error == 53);
    CHECK(p.id == -1);
  }

  TEST_CASE("kcat with enable.idempotence=true stores each record once, in order") {
    ServerFixture s;
    s.start(1);
    std::string lines;
    for (int i = 0; i < 2000; ++i) lines += "r" + std::to_string(i) + "\n";
    CliRun produced = kcat_run(s, {"-P", "-t", "idem", "-p", "0", "-X", "enable.idempotence=true"}, lines);
    REQUIRE_MESSAGE(produced.code == 0, produced.err);
    CliRun read = kcat_run(s, {"-C", "-t", "idem", "-p", "0", "-e", "-q"});
    REQUIRE_MESSAGE(read.code == 0, read.err);
    CHECK(read.out == lines);
  }
}
