// GroupConsumer against librdkafka's mock brokers: two members of one group split co-partitioned
// topics (partition p of each on the same member), read only their own partitions, and the
// survivor takes everything when the other leaves. The mock's rebalances take about
// session.timeout.ms - 1 s each, hence 4000 ms here (notes/kafka-mock.md).
#include <doctest/doctest.h>

#include <map>

#include "cluster/group_consumer.h"
#include "cluster/transactional_producer.h"
#include "support/kafka_mock.h"
#include "support/temp_dir.h"

using namespace orderstream;
using namespace orderstream::cluster;
using orderstream::test::MockKafka;
using orderstream::test::TempDir;

namespace {

ClientOptions member_options(const MockKafka& kafka) {
  ClientOptions o;
  o.bootstrap_servers = kafka.bootstrap();
  o.properties = {{"session.timeout.ms", "4000"}, {"heartbeat.interval.ms", "500"}};
  return o;
}

// Polls every member until done() holds or 30 s pass; records go to each member's `got`.
struct Member {
  std::unique_ptr<GroupConsumer> consumer;
  std::multimap<TopicPartitionId, std::string> got;
};

bool poll_until(std::vector<Member*> members, const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    for (Member* m : members) {
      std::vector<PartitionBatch> batches;
      Status st = m->consumer->poll(std::chrono::milliseconds(50), 1000, &batches);
      REQUIRE_MESSAGE(st.is_ok(), st.to_string());
      for (const PartitionBatch& b : batches)
        for (const log::Record& r : b.records) m->got.emplace(b.tp, r.value.value_or("<null>"));
    }
    if (done()) return true;
  }
  return false;
}

std::set<int32_t> partitions_of(const std::set<TopicPartitionId>& a, const std::string& topic) {
  std::set<int32_t> out;
  for (const auto& [t, p] : a)
    if (t == topic) out.insert(p);
  return out;
}

}  // namespace

TEST_SUITE("cluster") {
  TEST_CASE("two members split co-partitioned topics by partition and the survivor takes all") {
    TempDir dir("os-gc");
    MockKafka kafka(dir.str(), {"orders:4", "payments:4"});
    Member a{}, b{};
    auto ca = GroupConsumer::open(member_options(kafka), "app", {"orders", "payments"});
    REQUIRE_MESSAGE(ca.ok(), ca.status().to_string());
    a.consumer = std::move(*ca);
    REQUIRE(poll_until({&a}, [&] { return a.consumer->assignment().size() == 8; }));

    auto cb = GroupConsumer::open(member_options(kafka), "app", {"orders", "payments"});
    REQUIRE(cb.ok());
    b.consumer = std::move(*cb);
    REQUIRE(poll_until({&a, &b}, [&] {
      return a.consumer->assignment().size() == 4 && b.consumer->assignment().size() == 4;
    }));
    for (Member* m : {&a, &b}) {
      // Co-partitioned: the same partition numbers of both topics.
      CHECK(partitions_of(m->consumer->assignment(), "orders") == partitions_of(m->consumer->assignment(), "payments"));
      CHECK(partitions_of(m->consumer->assignment(), "orders").size() == 2);
    }
    CHECK(partitions_of(a.consumer->assignment(), "orders") != partitions_of(b.consumer->assignment(), "orders"));

    // Records on every partition of both topics: each member sees only its own.
    auto producer = TransactionalProducer::open(member_options(kafka), "writer");
    REQUIRE(producer.ok());
    auto side = KafkaClient::create(KafkaClient::Kind::kConsumer, member_options(kafka), "side");
    REQUIRE(side.ok());
    std::vector<std::string> values;
    for (const char* t : {"orders", "payments"})
      for (int p = 0; p < 4; ++p) values.push_back(std::string(t) + "-" + std::to_string(p));
    std::vector<OutRecord> records;
    for (const std::string& v : values) {
      std::string topic = v.substr(0, v.find('-'));
      records.push_back(OutRecord{topic, std::nullopt, v, 0, std::stoi(v.substr(v.find('-') + 1)), {}});
    }
    REQUIRE((*producer)->commit_step(records, {}, **side).is_ok());
    REQUIRE(poll_until({&a, &b}, [&] { return a.got.size() + b.got.size() == values.size(); }));
    for (Member* m : {&a, &b})
      for (const auto& [tp, v] : m->got) {
        CHECK(m->consumer->assignment().count(tp) == 1);
        CHECK(v == tp.first + "-" + std::to_string(tp.second));
      }

    uint64_t before = a.consumer->generation();
    b.consumer.reset();  // leaves the group
    REQUIRE(poll_until({&a}, [&] { return a.consumer->assignment().size() == 8; }));
    CHECK(a.consumer->generation() > before);
  }

  TEST_CASE("a group member needs a group and topics") {
    ClientOptions o;
    o.bootstrap_servers = "127.0.0.1:1";
    CHECK(GroupConsumer::open(o, "", {"t"}).status().code() == StatusCode::kInvalidArgument);
    CHECK(GroupConsumer::open(o, "g", {}).status().code() == StatusCode::kInvalidArgument);
  }
}
