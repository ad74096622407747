// `orderstream audit --bootstrap-servers`: the order invariants checked over a Kafka cluster's
// topics (librdkafka's mock brokers), each violation at the cluster's own offset.
#include <doctest/doctest.h>

#include "e2e/cli_run.h"
#include "services/json_codec.h"
#include "services/topics.h"
#include "support/kafka_mock.h"
#include "support/kafka_topic_io.h"
#include "support/temp_dir.h"

using namespace orderstream;
using orderstream::test::CliRun;
using orderstream::test::MockKafka;
using orderstream::test::TempDir;

namespace {

std::string order(const std::string& id, services::OrderState state) {
  return services::to_json(services::Order{id, 3, state, services::Product::kJumpers, 1, 10.0});
}

CliRun audit(const TempDir& dir, const MockKafka& kafka) {
  return test::run_cli(dir.str(), {"audit", "--bootstrap-servers", kafka.bootstrap(), "--kafka-timeout-ms", "5000",
                                   "--application-id", "eco", "--rules", "FRAUD_CHECK,ORDER_DETAILS_CHECK"});
}

}  // namespace

TEST_SUITE("cluster") {
  TEST_CASE("audit on a Kafka cluster finds a second decision at its cluster offset and passes a clean history") {
    TempDir dir("os-caudit");
    // The history of one order as the services write it with two rules: CREATED, two PASSes,
    // VALIDATED (the inventory's reservations are audited from the services' own run, in
    // scale_out_e2e_test.cpp).
    MockKafka kafka(dir.str(), {"orders:1", "order-validations:1"}, 1);
    test::produce_to_cluster(kafka.bootstrap(), services::topics::kOrders, {{"a", order("a", services::OrderState::kCreated)}});
    std::vector<test::KeyValue> passes;
    for (services::CheckType c : {services::CheckType::kFraudCheck, services::CheckType::kOrderDetailsCheck})
      passes.push_back({"a", services::to_json(services::OrderValidation{"a", c, services::ValidationResult::kPass})});
    test::produce_to_cluster(kafka.bootstrap(), services::topics::kOrderValidations, passes);
    test::produce_to_cluster(kafka.bootstrap(), services::topics::kOrders, {{"a", order("a", services::OrderState::kValidated)}});
    CliRun clean = audit(dir, kafka);
    CHECK_MESSAGE(clean.code == 0, clean.out << clean.err);
    CHECK(clean.out.find("audit OK: 0 violations; 1 orders (0 not final), 1 finals, 2 validations") != std::string::npos);

    test::produce_to_cluster(kafka.bootstrap(), services::topics::kOrders, {{"a", order("a", services::OrderState::kFailed)}});
    std::vector<log::Record> records = test::read_cluster_topic(kafka.bootstrap(), services::topics::kOrders, 1);
    REQUIRE(records.size() == 3);
    // Reported at the cluster's offset (transaction markers make it differ from the copy's).
    int64_t second_final = records[2].offset.v;
    CliRun dirty = audit(dir, kafka);
    CHECK(dirty.code == 1);
    CHECK_MESSAGE(dirty.out.find("topic=orders partition=0 offset=" + std::to_string(second_final)) != std::string::npos,
                  dirty.out);
    CHECK(dirty.out.find("audit FAILED") != std::string::npos);

    CliRun nowhere = test::run_cli(dir.str(), {"audit", "--bootstrap-servers", "127.0.0.1:1", "--kafka-timeout-ms", "1000"});
    CHECK(nowhere.code == 1);
    CHECK(nowhere.err.find("127.0.0.1:1") != std::string::npos);
  }
}
