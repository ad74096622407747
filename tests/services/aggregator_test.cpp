#include "services/aggregator.h"

#include <doctest/doctest.h>

#include "services/json_codec.h"
#include "services/order_records.h"
#include "services/topics.h"
#include "stream/test_driver.h"
#include "support/check_ok.h"
#include "support/temp_dir.h"

using namespace orderstream;
using namespace orderstream::services;
using namespace orderstream::test;

namespace {

// The aggregator alone: validations are piped by hand.
struct Aggregator {
  test::TempDir dir{"os-agg"};
  stream::Topology topology;
  stream::TestDriver driver;
  int64_t ts = 1000;

  static stream::Topology make(std::vector<CheckType> rules) {
    stream::Topology t;
    t.topics = {{topics::kOrders, {}}, {topics::kOrderValidations, {}}};
    t.sub_topologies.push_back({kAggregatorSubTopology, "validations-aggregator",
                                {topics::kOrderValidations, topics::kOrders}, {"orders", "checks"},
                                [rules](PartitionId) { return make_aggregator_processor(rules); }});
    return t;
  }
  explicit Aggregator(int32_t partitions = 2, std::vector<CheckType> rules = {kInv, kFraud, kDetails})
      : topology(make(std::move(rules))), driver(dir.file("data"), topology, partitions) {}

  void order(const std::string& id) { pipe(order_record(test_order(id))); }
  void validation(const std::string& id, CheckType c, ValidationResult r) {
    pipe(validation_record(id, c, r));
  }
  void pipe(const TopicRecord& r) { REQUIRE_OK(driver.pipe(r.topic, r.key, r.value, ++ts)); }
  // Decisions (VALIDATED/FAILED records the aggregator wrote) for `id`, in order.
  std::vector<OrderState> decisions(const std::string& id) {
    std::vector<OrderState> out;
    auto all = driver.read_all(topics::kOrders);
    REQUIRE_OK(all);
    for (const auto& r : *all) {
      auto o = order_from_json(*r.value, true);
      REQUIRE_OK(o);
      if (o->id != id || o->state == OrderState::kCreated) continue;
      CHECK(o->customer_id == kTestCustomer);  // the order itself, with only its state changed
      CHECK(o->quantity == 1);
      CHECK(r.key == std::optional<std::string>(id));
      out.push_back(o->state);
    }
    return out;
  }
};

using States = std::vector<OrderState>;

}  // namespace

TEST_SUITE("aggregator") {
  TEST_CASE("three PASSes make exactly one VALIDATED") {
    Aggregator a;
    a.order("o");
    a.validation("o", kInv, kPass);
    a.validation("o", kFraud, kPass);
    CHECK(a.decisions("o").empty());
    a.validation("o", kDetails, kPass);
    CHECK(a.decisions("o") == States{OrderState::kValidated});
  }

  TEST_CASE("one FAIL makes exactly one FAILED, at once") {
    Aggregator a;
    a.order("o");
    a.validation("o", kFraud, kFail);
    CHECK(a.decisions("o") == States{OrderState::kFailed});
    a.validation("o", kInv, kPass);
    a.validation("o", kDetails, kPass);
    a.validation("o", kInv, kFail);
    CHECK(a.decisions("o") == States{OrderState::kFailed});
  }

  TEST_CASE("ERROR counts as a failure") {
    Aggregator a;
    a.order("o");
    a.validation("o", kInv, kPass);
    a.validation("o", kDetails, kError);
    CHECK(a.decisions("o") == States{OrderState::kFailed});
  }

  TEST_CASE("duplicate PASSes never add up to VALIDATED, nor produce both states") {
    Aggregator a;
    a.order("o");
    a.validation("o", kInv, kPass);
    a.validation("o", kInv, kPass);
    a.validation("o", kInv, kPass);
    CHECK(a.decisions("o").empty());  // three PASSes, but of one rule
    a.validation("o", kFraud, kFail);
    a.validation("o", kDetails, kPass);
    CHECK(a.decisions("o") == States{OrderState::kFailed});
  }

  TEST_CASE("a late validation after the decision is ignored") {
    Aggregator a;
    a.order("o");
    for (CheckType c : {kInv, kFraud, kDetails}) a.validation("o", c, kPass);
    a.validation("o", kFraud, kFail);
    a.validation("o", kDetails, kError);
    CHECK(a.decisions("o") == States{OrderState::kValidated});
  }

  TEST_CASE("validations that arrive before the order are kept until it does") {
    Aggregator a;
    for (CheckType c : {kInv, kFraud, kDetails}) a.validation("early", c, kPass);
    CHECK(a.decisions("early").empty());
    a.order("early");
    CHECK(a.decisions("early") == States{OrderState::kValidated});
    a.validation("early-fail", kInv, kFail);
    a.order("early-fail");
    CHECK(a.decisions("early-fail") == States{OrderState::kFailed});
  }

  TEST_CASE("a duplicate CREATED record after the decision decides nothing again") {
    Aggregator a;
    a.order("o");
    for (CheckType c : {kInv, kFraud, kDetails}) a.validation("o", c, kPass);
    a.order("o");
    a.validation("o", kInv, kPass);
    CHECK(a.decisions("o") == States{OrderState::kValidated});
  }

  TEST_CASE("orders are decided independently, on any partition") {
    Aggregator a(4);
    for (int i = 0; i < 20; ++i) a.order("o" + std::to_string(i));
    for (int i = 0; i < 20; ++i)
      for (CheckType c : {kInv, kFraud, kDetails})
        a.validation("o" + std::to_string(i), c, (i % 5 == 0 && c == kFraud) ? kFail : kPass);
    for (int i = 0; i < 20; ++i) {
      CAPTURE(i);
      CHECK(a.decisions("o" + std::to_string(i)) ==
            States{i % 5 == 0 ? OrderState::kFailed : OrderState::kValidated});
    }
  }

  TEST_CASE("the rule set is configuration") {
    SUBCASE("only ORDER_DETAILS_CHECK: one PASS validates") {
      Aggregator a(2, {kDetails});
      a.order("o");
      a.validation("o", kDetails, kPass);
      CHECK(a.decisions("o") == States{OrderState::kValidated});
    }
    SUBCASE("checks outside the rule set are ignored, even failures") {
      Aggregator a(2, {kDetails, kInv});
      a.order("o");
      a.validation("o", kFraud, kFail);
      a.validation("o", kInv, kPass);
      CHECK(a.decisions("o").empty());
      a.validation("o", kDetails, kPass);
      CHECK(a.decisions("o") == States{OrderState::kValidated});
    }
  }

  TEST_CASE("malformed validations are skipped") {
    Aggregator a;
    a.order("o");
    REQUIRE_OK(a.driver.pipe(topics::kOrderValidations, "o", "{\"orderId\":\"o\"}", 5));
    REQUIRE_OK(a.driver.pipe(topics::kOrderValidations, "o", std::nullopt, 6));
    CHECK(a.driver.skipped_records() == 2);
    CHECK(a.decisions("o").empty());
  }

  TEST_CASE("parse_rules reads the configured rule set") {
    auto all = parse_rules("INVENTORY_CHECK,FRAUD_CHECK,ORDER_DETAILS_CHECK");
    REQUIRE_OK(all);
    CHECK(*all == std::vector<CheckType>{kInv, kFraud, kDetails});
    auto one = parse_rules(" ORDER_DETAILS_CHECK ");
    REQUIRE_OK(one);
    CHECK(*one == std::vector<CheckType>{kDetails});
    auto dup = parse_rules("FRAUD_CHECK, FRAUD_CHECK");
    REQUIRE_OK(dup);
    CHECK(*dup == std::vector<CheckType>{kFraud});
    for (const char* bad : {"", " ", "FRAUD", "fraud_check", "FRAUD_CHECK,", ",FRAUD_CHECK",
                            "FRAUD_CHECK,,INVENTORY_CHECK", "FRAUD_CHECK;INVENTORY_CHECK"}) {
      CAPTURE(bad);
      auto r = parse_rules(bad);
      CHECK(r.status().code() == StatusCode::kInvalidArgument);
      CHECK_FALSE(r.status().message().empty());
    }
  }
}
