// TransactionalProducer against librdkafka's mock brokers (a kafka_mock_cluster process): a step's
// records, keyed to Java's partitions, and its offsets in one transaction; fencing and abortable
// errors injected through the launcher's command channel. The mock does not enforce
// transactional semantics (read_committed sees aborted records), so only the API's side is
// asserted: what commits, and how each failure is reported.
#include <doctest/doctest.h>

#include <map>

#include "cluster/partition_reader.h"
#include "cluster/transactional_producer.h"
#include "log/partitioner.h"
#include "support/kafka_mock.h"
#include "support/temp_dir.h"

using namespace orderstream;
using namespace orderstream::cluster;
using orderstream::test::MockKafka;
using orderstream::test::TempDir;

namespace {

ClientOptions options_for(const MockKafka& kafka) {
  ClientOptions o;
  o.bootstrap_servers = kafka.bootstrap();
  o.timeout = std::chrono::milliseconds(10000);
  return o;
}

struct Read {
  int32_t partition;
  log::Record record;
};

// Every record of the topic's partitions, read to their ends.
std::vector<Read> read_all(KafkaClient& consumer, const std::string& topic, int partitions) {
  PartitionReader reader(consumer, topic);
  std::vector<PartitionStart> starts;
  for (int p = 0; p < partitions; ++p) starts.push_back({p, kOffsetBeginning});
  REQUIRE(reader.assign(starts).is_ok());
  std::vector<Read> out;
  std::map<int32_t, bool> ended;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (static_cast<int>(ended.size()) < partitions && std::chrono::steady_clock::now() < deadline) {
    Status st = reader.poll(
        std::chrono::milliseconds(100),
        [&](int32_t p, const log::RecordView& r) {
          out.push_back({p, log::Record::from_view(r)});
          ended.erase(p);
          return true;
        },
        [&](int32_t p) { ended[p] = true; });
    REQUIRE_MESSAGE(st.is_ok(), st.to_string());
  }
  REQUIRE(static_cast<int>(ended.size()) == partitions);
  return out;
}

}  // namespace

TEST_SUITE("cluster") {
  TEST_CASE("a step commits its records on Java's partitions with their headers and timestamps") {
    TempDir dir("os-txp");
    MockKafka kafka(dir.str(), {"out:4", "changelog:4", "in:4"});
    auto producer = TransactionalProducer::open(options_for(kafka), "task-a");
    REQUIRE_MESSAGE(producer.ok(), producer.status().to_string());
    auto consumer = KafkaClient::create(KafkaClient::Kind::kConsumer, options_for(kafka), "app");
    REQUIRE(consumer.ok());

    std::vector<std::string> keys;
    for (int i = 0; i < 40; ++i) keys.push_back("order-" + std::to_string(i * 7919));
    std::vector<std::string> values;  // OutRecord's views point into these
    for (const std::string& k : keys) values.push_back("v-" + k);
    std::vector<OutRecord> records;
    for (size_t i = 0; i < keys.size(); ++i)
      records.push_back(OutRecord{"out", keys[i], values[i], 1700000000123, std::nullopt, {{"h", "1"}}});
    records.push_back(OutRecord{"changelog", std::string_view("store-key"), std::nullopt, 1700000000999, 2, {}});
    Status st = (*producer)->commit_step(records, {{"in", 1, 17}}, **consumer);
    REQUIRE_MESSAGE(st.is_ok(), st.to_string());
    CHECK(!(*producer)->failed());

    std::vector<Read> out = read_all(**consumer, "out", 4);
    REQUIRE(out.size() == keys.size());
    std::map<int32_t, int> per_partition;
    for (const Read& r : out) {
      REQUIRE(r.record.key.has_value());
      // murmur2_random: the partition Java's default partitioner (and the embedded log) picks.
      CHECK(r.partition == log::partition_for_key(*r.record.key, 4).v);
      CHECK(r.record.value == "v-" + *r.record.key);
      CHECK(r.record.timestamp_ms == 1700000000123);
      CHECK(r.record.headers == std::vector<log::Header>{{"h", "1"}});
      ++per_partition[r.partition];
    }
    CHECK(per_partition.size() > 1);  // the keys spread, so the check above compared something

    std::vector<Read> changelog = read_all(**consumer, "changelog", 4);
    REQUIRE(changelog.size() == 1);
    CHECK(changelog[0].partition == 2);
    CHECK(changelog[0].record.key == "store-key");
    CHECK(!changelog[0].record.value.has_value());  // a tombstone stays one
  }

  TEST_CASE("a fenced producer reports PermissionDenied and refuses further steps") {
    TempDir dir("os-txp");
    MockKafka kafka(dir.str(), {"out:2", "in:2"}, 1, /*commands=*/true);
    auto producer = TransactionalProducer::open(options_for(kafka), "task-b");
    REQUIRE_MESSAGE(producer.ok(), producer.status().to_string());
    auto consumer = KafkaClient::create(KafkaClient::Kind::kConsumer, options_for(kafka), "app");
    REQUIRE(consumer.ok());
    CHECK(kafka.command("err 26 90") == "ok");  // the next EndTxn: PRODUCER_FENCED
    Status st = (*producer)->commit_step({OutRecord{"out", std::string_view("k"), std::string_view("v"), 0, std::nullopt, {}}},
                                         {{"in", 0, 1}}, **consumer);
    CHECK(st.code() == StatusCode::kPermissionDenied);
    CHECK((*producer)->failed());
    Status again = (*producer)->commit_step({}, {}, **consumer);
    CHECK(again.code() == StatusCode::kAborted);
    CHECK(again.message().find("reopen") != std::string::npos);
  }

  TEST_CASE("an abortable error aborts the step and the next step commits") {
    TempDir dir("os-txp");
    MockKafka kafka(dir.str(), {"out:2", "in:2"}, 1, /*commands=*/true);
    auto producer = TransactionalProducer::open(options_for(kafka), "task-c");
    REQUIRE_MESSAGE(producer.ok(), producer.status().to_string());
    auto consumer = KafkaClient::create(KafkaClient::Kind::kConsumer, options_for(kafka), "app");
    REQUIRE(consumer.ok());
    CHECK(kafka.command("err 24 29") == "ok");  // the next AddPartitionsToTxn: TOPIC_AUTHORIZATION_FAILED
    std::vector<OutRecord> one{OutRecord{"out", std::string_view("k"), std::string_view("v"), 0, std::nullopt, {}}};
    Status st = (*producer)->commit_step(one, {{"in", 0, 1}}, **consumer);
    CHECK_MESSAGE(st.code() == StatusCode::kAborted, st.to_string());
    CHECK(!(*producer)->failed());
    Status next = (*producer)->commit_step(one, {{"in", 0, 1}}, **consumer);
    CHECK_MESSAGE(next.is_ok(), next.to_string());
  }
}
