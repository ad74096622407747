#include "services/ownership.h"

#include <doctest/doctest.h>

#include "services/ecosystem.h"
#include "services/model.h"
#include "services/topics.h"

using namespace orderstream;
using namespace orderstream::services;

TEST_SUITE("services ownership") {
  TEST_CASE("every topic the ecosystem declares is owned, by a named writer") {
    stream::Topology t = make_ecosystem_topology({}, nullptr);
    REQUIRE(!t.topics.empty());
    for (const stream::TopicSpec& spec : t.topics) {
      auto owner = topic_owner(spec.name);
      REQUIRE_MESSAGE(owner.has_value(), spec.name);
      // "orderstream" is the fallback for a topic the writer table does not list yet.
      CHECK_MESSAGE(*owner != "orderstream", spec.name << " needs an entry in topic_writers()");
    }
  }

  TEST_CASE("topics are owned by the service that writes them") {
    CHECK(topic_owner(topics::kOrders) == "orders");
    CHECK(topic_owner(topics::kPayments) == "orders");
    CHECK(topic_owner(topics::kOrdersByProduct) == "inventory");
    CHECK(topic_owner(topics::kOrdersByCustomer) == "fraud");
    CHECK(topic_owner(topics::kPaymentsByOrder) == "email");
    CHECK(topic_owner(topics::kEmails) == "email");
    for (std::string_view level : kCustomerLevels) CHECK(topic_owner(level) == "email");
    CHECK(topic_owner(topics::kOrderValidations) == "order-details, fraud and inventory");
  }

  TEST_CASE("internal topics are owned and user topics are not") {
    CHECK(topic_owner("__sql_catalog") == "sql");
    CHECK(topic_owner("__anything") == "orderstream");
    CHECK_FALSE(topic_owner("audit-log").has_value());
    CHECK_FALSE(topic_owner("orders2").has_value());
    CHECK_FALSE(topic_owner("_single").has_value());
    CHECK_FALSE(topic_owner("").has_value());
    CHECK_FALSE(topic_owner("Orders").has_value());  // names are case-sensitive, as in Kafka
  }

  TEST_CASE("every stream task's consumer group is owned by its service, and no other group") {
    stream::Topology t = make_ecosystem_topology({}, nullptr);
    for (const stream::SubTopology& sub : t.sub_topologies)
      CHECK_MESSAGE(group_owner(sub.name) == sub.service, sub.name);
    CHECK(group_owner("inventory") == "inventory");
    CHECK(group_owner("orders-view") == "orders");
    CHECK_FALSE(group_owner("audit").has_value());
    CHECK_FALSE(group_owner("orders").has_value());  // a service name, not a sub-topology's
  }

  TEST_CASE("refusals name the topic or group and its owner") {
    CHECK(owned_topic_message("orders", "orders") ==
          "topic orders is written only by the orders service (the running server refuses "
          "writes to it)");
    CHECK(owned_topic_message("order-validations", "order-details, fraud and inventory") ==
          "topic order-validations is written only by the order-details, fraud and inventory "
          "services (the running server refuses writes to it)");
    CHECK(owned_group_message("inventory", "inventory") ==
          "consumer group inventory is committed only by the inventory service's stream tasks "
          "(the running server refuses writes to it)");
  }
}
