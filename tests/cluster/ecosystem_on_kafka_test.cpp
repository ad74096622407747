// The order ecosystem's own services on the Kafka backend (librdkafka's mock brokers): orders
// produced to the cluster's `orders` topic are checked and decided by the same sub-topologies as
// on the embedded log, each step a Kafka transaction. Then the instance's local state is lost and
// a new instance takes over: it restores every task from the changelogs, and since the mock keeps
// no transactional offsets it reads every input again from the start; the services' idempotence
// per order id must keep each order decided once, its stock reserved once, and each stateful
// check's verdict given once.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>

#include "cluster/kafka_runtime.h"
#include "cluster/step_records.h"
#include "log/partitioner.h"
#include "log/read_view.h"
#include "services/ecosystem.h"
#include "services/inventory.h"
#include "services/json_codec.h"
#include "services/topics.h"
#include "support/kafka_mock.h"
#include "support/kafka_topic_io.h"
#include "support/open_log.h"
#include "support/temp_dir.h"
#include "support/wait.h"

using namespace orderstream;
using namespace orderstream::cluster;
using orderstream::test::MockKafka;
using orderstream::test::TempDir;

namespace {

constexpr int kPartitions = 4;

// The ecosystem's topics and its tasks' changelogs, for the mock (which cannot create topics).
std::vector<std::string> cluster_topics(const stream::Topology& t) {
  std::vector<std::string> out;
  for (const stream::TopicSpec& spec : t.topics) out.push_back(spec.name + ":" + std::to_string(kPartitions));
  for (const stream::SubTopology& sub : t.sub_topologies)
    for (const std::string& store : sub.stores)
      out.push_back(changelog_topic("eco", sub.name, store) + ":" + std::to_string(kPartitions));
  out.push_back(instances_topic("eco") + ":1");
  return out;
}

KafkaBackendOptions backend(const MockKafka& kafka, const std::string& instance) {
  KafkaBackendOptions o;
  o.client.bootstrap_servers = kafka.bootstrap();
  o.client.properties = {{"session.timeout.ms", "4000"}, {"heartbeat.interval.ms", "500"}};
  o.application_id = "eco";
  o.instance_id = instance;
  o.poll_wait = std::chrono::milliseconds(50);
  return o;
}

void post_orders(const MockKafka& kafka, int from, int to) {
  std::vector<test::KeyValue> records;
  for (int i = from; i <= to; ++i) {
    services::Order o{"o" + std::to_string(i), 1 + i % 3, services::OrderState::kCreated,
                      services::Product::kJumpers, 1, 10.0};
    records.push_back({o.id, services::to_json(o)});
  }
  test::produce_to_cluster(kafka.bootstrap(), services::topics::kOrders, records);
}

// Final states per order from the cluster's orders topic; counts a second final as `twice`.
std::map<std::string, services::OrderState> finals(const MockKafka& kafka, int* twice) {
  std::map<std::string, services::OrderState> out;
  for (const log::Record& r : test::read_cluster_topic(kafka.bootstrap(), services::topics::kOrders, kPartitions)) {
    if (!r.value) continue;
    auto o = services::order_from_json(*r.value, true);
    if (!o.ok() || o->state == services::OrderState::kCreated) continue;
    if (out.count(o->id)) ++*twice;
    out[o->id] = o->state;
  }
  return out;
}

// Validations per (order, check) on the cluster.
std::map<std::pair<std::string, services::CheckType>, int> validations(const MockKafka& kafka) {
  std::map<std::pair<std::string, services::CheckType>, int> out;
  for (const log::Record& r :
       test::read_cluster_topic(kafka.bootstrap(), services::topics::kOrderValidations, kPartitions)) {
    auto v = services::order_validation_from_json(r.value.value_or(""));
    REQUIRE_OK(v);
    ++out[{v->order_id, v->check_type}];
  }
  return out;
}

std::optional<std::string> inventory_store(const log::Log& local, const char* store) {
  std::string product(services::to_string(services::Product::kJumpers));
  auto view = local.read_view();
  REQUIRE_OK(view);
  auto v = view->get(stream::scoped_store_name(services::kInventorySubTopology,
                                               log::partition_for_key(product, kPartitions), store),
                     product);
  REQUIRE_OK(v);
  return *v ? std::optional<std::string>(std::string(**v)) : std::nullopt;
}

bool all_validated(const MockKafka& kafka, int orders, int* twice) {
  auto f = finals(kafka, twice);
  if (static_cast<int>(f.size()) != orders) return false;
  for (const auto& [id, state] : f) REQUIRE_MESSAGE(state == services::OrderState::kValidated, id);
  return true;
}

}  // namespace

TEST_SUITE("cluster") {
  TEST_CASE("the order ecosystem runs on the Kafka backend and a replay over restored state decides nothing twice") {
    TempDir dir("os-eco-kafka");
    stream::Topology topology = services::make_ecosystem_topology({}, nullptr);
    MockKafka kafka(dir.str(), cluster_topics(topology), 1);
    int twice = 0;
    {
      auto local = test::open_log(dir);
      KafkaRuntime runtime(*local, topology, backend(kafka, "a"), kPartitions);
      REQUIRE_OK(runtime.init());
      REQUIRE_OK(runtime.start());
      // The stock first, seen by the inventory task before any order asks for it.
      test::produce_to_cluster(kafka.bootstrap(), services::topics::kWarehouseInventory,
                               {{std::string(services::to_string(services::Product::kJumpers)),
                                 services::stock_to_log_json(100)}});
      REQUIRE(test::wait_until([&] { return inventory_store(*local, services::kInventoryStockStore).has_value(); },
                               std::chrono::seconds(30)));
      post_orders(kafka, 1, 10);
      REQUIRE(test::wait_until([&] { return all_validated(kafka, 10, &twice); }, std::chrono::seconds(60)));
      CHECK(inventory_store(*local, services::kInventoryReservedStore) == "10");
      CHECK(runtime.failed_tasks().empty());
    }
    std::filesystem::remove_all(dir.file("data"));
    auto local = test::open_log(dir);
    KafkaRuntime runtime(*local, topology, backend(kafka, "b"), kPartitions);
    REQUIRE_OK(runtime.init());
    REQUIRE_OK(runtime.start());
    post_orders(kafka, 11, 15);
    REQUIRE(test::wait_until([&] { return all_validated(kafka, 15, &twice); }, std::chrono::seconds(60)));
    CHECK(inventory_store(*local, services::kInventoryReservedStore) == "15");
    CHECK(runtime.restored_records() > 0);
    CHECK(twice == 0);
    // The stateful checks remember each order: a replay re-validates nothing. The order-details
    // check is stateless, so the replay repeats its (same) verdict, which the aggregator, keyed by
    // order and check, takes once: the order is still decided once.
    auto v = validations(kafka);
    CHECK(v.size() == 15 * 3);
    for (const auto& [what, n] : v) {
      if (what.second == services::CheckType::kOrderDetailsCheck) {
        CHECK(n >= 1);
      } else {
        CHECK_MESSAGE(n == 1, what.first << " " << services::to_string(what.second) << " validated " << n << " times");
      }
    }
  }
}
