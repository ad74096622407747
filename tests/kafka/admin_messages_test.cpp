// ListGroups, DescribeGroups, CreateTopics, DeleteTopics and DescribeConfigs, field by field and
// version by version against Kafka's message schemas.
#include "kafka/create_topics.h"

#include <doctest/doctest.h>

#include "kafka/delete_topics.h"
#include "kafka/describe_configs.h"
#include "kafka/describe_groups.h"
#include "kafka/init_producer_id.h"
#include "kafka/list_groups.h"
#include "kafka/protocol.h"
#include "kafka/wire.h"

namespace orderstream::kafka {
namespace {

std::string create_request(int16_t version, bool validate_only) {
  Writer w;
  w.array_length(2);
  w.string("clicks");
  w.i32(3);
  w.i16(1);
  w.array_length(0);  // assignments
  w.array_length(2);  // configs
  w.string("cleanup.policy");
  w.nullable_string("compact");
  w.string("retention.ms");
  w.nullable_string(std::nullopt);
  w.string("manual");
  w.i32(-1);
  w.i16(-1);
  w.array_length(1);
  w.i32(0);
  w.array_length(1);
  w.i32(0);
  w.array_length(0);
  w.i32(5000);  // timeout_ms
  if (version >= 1) w.boolean(validate_only);
  return w.take();
}

TEST_SUITE("kafka admin messages") {
  TEST_CASE("ListGroups answers error code and groups, v1 and v2 after a throttle time") {
    for (int16_t version : {0, 1, 2}) {
      CAPTURE(version);
      std::string body = encode_list_groups_response(version, errors::kNone, {{"mailers", "consumer"}, {"audit", ""}});
      Reader r(body);
      if (version >= 1) CHECK(r.i32() == 0);
      CHECK(r.i16() == 0);
      CHECK(r.array_length() == 2);
      CHECK(r.string() == "mailers");
      CHECK(r.string() == "consumer");
      CHECK(r.string() == "audit");
      CHECK(r.string() == "");
      CHECK(r.ok());
      CHECK(r.remaining() == 0);
    }
  }

  TEST_CASE("DescribeGroups requests: group ids, and from v3 whether authorized operations are wanted") {
    Writer w;
    w.array_length(2);
    w.string("a");
    w.string("b");
    auto v0 = parse_describe_groups_request(0, w.bytes());
    REQUIRE(v0.ok());
    CHECK(v0->groups == std::vector<std::string>{"a", "b"});
    CHECK_FALSE(v0->include_authorized_operations);
    CHECK_FALSE(parse_describe_groups_request(3, w.bytes()).ok());  // the v3 flag is missing
    w.boolean(true);
    auto v3 = parse_describe_groups_request(3, w.bytes());
    REQUIRE(v3.ok());
    CHECK(v3->include_authorized_operations);
    Writer hostile;
    hostile.array_length(1000000);
    CHECK_FALSE(parse_describe_groups_request(0, hostile.bytes()).ok());
  }

  TEST_CASE("DescribeGroups responses: throttle from v1, authorized operations from v3, instance ids from v4") {
    DescribedGroup g;
    g.group_id = "mailers";
    g.state = std::string(kGroupStable);
    g.protocol_type = "consumer";
    g.protocol_data = "range";
    g.members.push_back({"member-1", std::string("static-1"), "kcat", "/127.0.0.1", "meta", "assign"});
    for (int16_t version : {0, 1, 2, 3, 4}) {
      CAPTURE(version);
      std::string body = encode_describe_groups_response(version, {g});
      Reader r(body);
      if (version >= 1) CHECK(r.i32() == 0);
      CHECK(r.array_length() == 1);
      CHECK(r.i16() == 0);
      CHECK(r.string() == "mailers");
      CHECK(r.string() == "Stable");
      CHECK(r.string() == "consumer");
      CHECK(r.string() == "range");
      CHECK(r.array_length() == 1);
      CHECK(r.string() == "member-1");
      if (version >= 4) CHECK(r.nullable_string() == "static-1");
      CHECK(r.string() == "kcat");
      CHECK(r.string() == "/127.0.0.1");
      CHECK(r.nullable_bytes() == "meta");
      CHECK(r.nullable_bytes() == "assign");
      if (version >= 3) CHECK(r.i32() == kAuthorizedOperationsOmitted);
      CHECK(r.ok());
      CHECK(r.remaining() == 0);
    }
    DescribedGroup unknown;  // what an unknown group is answered with, as Kafka does
    unknown.group_id = "nobody";
    const std::string dead = encode_describe_groups_response(0, {unknown});
    Reader d(dead);
    (void)d.array_length();
    CHECK(d.i16() == errors::kNone);
    CHECK(d.string() == "nobody");
    CHECK(d.string() == "Dead");
  }

  TEST_CASE("CreateTopics requests carry partitions, replication, assignments, nullable configs and from v1 validate_only") {
    for (int16_t version : {0, 1, 2, 3, 4}) {
      CAPTURE(version);
      auto req = parse_create_topics_request(version, create_request(version, true));
      REQUIRE(req.ok());
      REQUIRE(req->topics.size() == 2);
      const CreatableTopic& t = req->topics[0];
      CHECK(t.name == "clicks");
      CHECK(t.num_partitions == 3);
      CHECK(t.replication_factor == 1);
      CHECK(t.assignments.empty());
      REQUIRE(t.configs.size() == 2);
      CHECK(t.configs[0].name == "cleanup.policy");
      CHECK(t.configs[0].value == "compact");
      CHECK_FALSE(t.configs[1].value.has_value());
      const CreatableTopic& m = req->topics[1];
      CHECK(m.num_partitions == -1);
      REQUIRE(m.assignments.size() == 1);
      CHECK(m.assignments[0].broker_ids == std::vector<int32_t>{0});
      CHECK(req->timeout_ms == 5000);
      CHECK(req->validate_only == (version >= 1));
    }
    std::string v1 = create_request(1, false);
    CHECK_FALSE(parse_create_topics_request(1, v1.substr(0, v1.size() - 1)).ok());  // validate_only cut off
    CHECK(parse_create_topics_request(0, v1.substr(0, v1.size() - 1)).ok());         // v0 has none
  }

  TEST_CASE("CreateTopics responses: error message from v1, throttle time from v2") {
    std::vector<TopicResult> results{{"clicks", errors::kNone, std::nullopt},
                                     {"orders", errors::kTopicAuthorizationFailed, std::string("owned")}};
    for (int16_t version : {0, 1, 2, 3, 4}) {
      CAPTURE(version);
      std::string body = encode_create_topics_response(version, results);
      Reader r(body);
      if (version >= 2) CHECK(r.i32() == 0);
      CHECK(r.array_length() == 2);
      CHECK(r.string() == "clicks");
      CHECK(r.i16() == 0);
      if (version >= 1) CHECK_FALSE(r.nullable_string().has_value());
      CHECK(r.string() == "orders");
      CHECK(r.i16() == errors::kTopicAuthorizationFailed);
      if (version >= 1) CHECK(r.nullable_string() == "owned");
      CHECK(r.ok());
      CHECK(r.remaining() == 0);
    }
  }

  TEST_CASE("DeleteTopics requests are names and a timeout, responses add a throttle time from v1") {
    Writer w;
    w.array_length(2);
    w.string("a");
    w.string("b");
    w.i32(1000);
    for (int16_t version : {0, 1, 2, 3}) {
      CAPTURE(version);
      auto req = parse_delete_topics_request(version, w.bytes());
      REQUIRE(req.ok());
      CHECK(req->topic_names == std::vector<std::string>{"a", "b"});
      CHECK(req->timeout_ms == 1000);
      std::string body = encode_delete_topics_response(version, {{"a", errors::kNone}, {"b", errors::kUnknownTopicOrPartition}});
      Reader r(body);
      if (version >= 1) CHECK(r.i32() == 0);
      CHECK(r.array_length() == 2);
      CHECK(r.string() == "a");
      CHECK(r.i16() == 0);
      CHECK(r.string() == "b");
      CHECK(r.i16() == errors::kUnknownTopicOrPartition);
      CHECK(r.remaining() == 0);
    }
    CHECK_FALSE(parse_delete_topics_request(0, w.bytes().substr(0, w.size() - 4)).ok());  // no timeout
  }

  TEST_CASE("DescribeConfigs requests: resources with nullable key lists, and from v1 include_synonyms") {
    Writer w;
    w.array_length(2);
    w.i8(kResourceTopic);
    w.string("clicks");
    w.array_length(-1);
    w.i8(kResourceBroker);
    w.string("0");
    w.array_length(1);
    w.string("num.partitions");
    auto v0 = parse_describe_configs_request(0, w.bytes());
    REQUIRE(v0.ok());
    REQUIRE(v0->resources.size() == 2);
    CHECK(v0->resources[0].resource_type == kResourceTopic);
    CHECK(v0->resources[0].resource_name == "clicks");
    CHECK_FALSE(v0->resources[0].configuration_keys.has_value());
    CHECK(*v0->resources[1].configuration_keys == std::vector<std::string>{"num.partitions"});
    CHECK_FALSE(parse_describe_configs_request(1, w.bytes()).ok());  // include_synonyms missing
    w.boolean(true);
    auto v1 = parse_describe_configs_request(1, w.bytes());
    REQUIRE(v1.ok());
    CHECK(v1->include_synonyms);
  }

  TEST_CASE("DescribeConfigs responses: v0 says is_default, v1 and v2 the config source and synonyms") {
    DescribeConfigsResult res;
    res.resource_type = kResourceTopic;
    res.resource_name = "clicks";
    ConfigEntry set{"cleanup.policy", std::string("compact"), false, config_source::kTopicConfig, false,
                    {{"cleanup.policy", std::string("compact"), config_source::kTopicConfig},
                     {"log.cleanup.policy", std::string("delete"), config_source::kDefaultConfig}}};
    ConfigEntry unset{"retention.bytes", std::string("-1"), false, config_source::kDefaultConfig, false, {}};
    res.configs = {set, unset};
    for (int16_t version : {0, 1, 2}) {
      CAPTURE(version);
      std::string body = encode_describe_configs_response(version, {res});
      Reader r(body);
      CHECK(r.i32() == 0);  // throttle_time_ms, in v0 too
      CHECK(r.array_length() == 1);
      CHECK(r.i16() == 0);
      CHECK_FALSE(r.nullable_string().has_value());
      CHECK(r.i8() == kResourceTopic);
      CHECK(r.string() == "clicks");
      CHECK(r.array_length() == 2);
      CHECK(r.string() == "cleanup.policy");
      CHECK(r.nullable_string() == "compact");
      CHECK_FALSE(r.boolean());  // read_only
      if (version == 0) CHECK_FALSE(r.boolean());  // is_default
      if (version >= 1) CHECK(r.i8() == config_source::kTopicConfig);
      CHECK_FALSE(r.boolean());  // is_sensitive
      if (version >= 1) {
        CHECK(r.array_length() == 2);
        CHECK(r.string() == "cleanup.policy");
        CHECK(r.nullable_string() == "compact");
        CHECK(r.i8() == config_source::kTopicConfig);
        CHECK(r.string() == "log.cleanup.policy");
        CHECK(r.nullable_string() == "delete");
        CHECK(r.i8() == config_source::kDefaultConfig);
      }
      CHECK(r.string() == "retention.bytes");
      CHECK(r.nullable_string() == "-1");
      CHECK_FALSE(r.boolean());
      if (version == 0) CHECK(r.boolean());  // is_default
      if (version >= 1) CHECK(r.i8() == config_source::kDefaultConfig);
      CHECK_FALSE(r.boolean());
      if (version >= 1) CHECK(r.array_length() == 0);
      CHECK(r.ok());
      CHECK(r.remaining() == 0);
    }
  }

  TEST_CASE("InitProducerId: a nullable transactional id and a timeout in, throttle, error, id and epoch out") {
    for (int16_t version : {0, 1}) {
      CAPTURE(version);
      Writer idempotent;
      idempotent.nullable_string(std::nullopt);
      idempotent.i32(60000);
      auto req = parse_init_producer_id_request(version, idempotent.bytes());
      REQUIRE(req.ok());
      CHECK_FALSE(req->transactional_id.has_value());
      CHECK(req->transaction_timeout_ms == 60000);
      Writer transactional;
      transactional.nullable_string("tx-1");
      transactional.i32(1000);
      auto tx = parse_init_producer_id_request(version, transactional.bytes());
      REQUIRE(tx.ok());
      CHECK(tx->transactional_id == "tx-1");
      CHECK_FALSE(parse_init_producer_id_request(version, idempotent.bytes().substr(0, 3)).ok());
    }
    std::string body = encode_init_producer_id_response(errors::kNone, 42, 0);
    Reader r(body);
    CHECK(r.i32() == 0);
    CHECK(r.i16() == 0);
    CHECK(r.i64() == 42);
    CHECK(r.i16() == 0);
    CHECK(r.ok());
    CHECK(r.remaining() == 0);
  }
}

}  // namespace
}  // namespace orderstream::kafka
