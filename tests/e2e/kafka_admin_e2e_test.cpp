// The Kafka admin APIs against the real binary, spoken by a small raw client: CreateTopics makes
// a topic that kcat's Metadata, the CLI and the HTTP admin API see (and refuses owned names,
// bad names, replication beyond one copy and unknown configs), DescribeConfigs shows what the
// log stores, DeleteTopics removes a topic everywhere and refuses the ecosystem's, and
// ListGroups/DescribeGroups show a running kcat -G member, then the group it left.
#include <map>

#include "e2e/kafka_wire_client.h"
#include "e2e/kcat_run.h"
#include "e2e/server_fixture.h"
#include "support/wait.h"

using namespace orderstream::test;
using orderstream::kafka::Reader;
using orderstream::kafka::Writer;

namespace {

constexpr int16_t kCreateTopics = 19, kDeleteTopics = 20, kDescribeConfigs = 32, kListGroups = 16,
                  kDescribeGroups = 15, kOffsetCommit = 8;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct NewTopic {
  std::string name;
  int32_t partitions = -1;
  int16_t replication = -1;
  std::vector<std::pair<std::string, std::string>> configs;
};

// CreateTopics v4 (v1+ fields: validate_only).
std::string create_body(const std::vector<NewTopic>& topics, bool validate_only = false) {
  Writer w;
  w.array_length(static_cast<int32_t>(topics.size()));
  for (const NewTopic& t : topics) {
    w.string(t.name);
    w.i32(t.partitions);
    w.i16(t.replication);
    w.array_length(0);
    w.array_length(static_cast<int32_t>(t.configs.size()));
    for (const auto& [k, v] : t.configs) {
      w.string(k);
      w.nullable_string(v);
    }
  }
  w.i32(10000);
  w.boolean(validate_only);
  return w.take();
}

struct TopicAnswer {
  int16_t code = -100;
  std::string message;
};

// CreateTopics v4's answer: name -> (error, message).
std::map<std::string, TopicAnswer> create_answer(const std::string& body) {
  Reader r(body);
  (void)r.i32();
  std::map<std::string, TopicAnswer> out;
  int32_t n = r.array_length().value_or(0);
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    std::string name(r.string());
    TopicAnswer& a = out[name];
    a.code = r.i16();
    a.message = std::string(r.nullable_string().value_or(""));
  }
  REQUIRE(r.ok());
  return out;
}

// DeleteTopics v1: name -> error.
std::map<std::string, int16_t> delete_topics(KafkaWireClient& c, const std::vector<std::string>& names) {
  Writer w;
  w.array_length(static_cast<int32_t>(names.size()));
  for (const std::string& n : names) w.string(n);
  w.i32(10000);
  auto body = c.call(kDeleteTopics, 1, w.bytes());
  REQUIRE(body.has_value());
  Reader r(*body);
  (void)r.i32();
  std::map<std::string, int16_t> out;
  int32_t n = r.array_length().value_or(0);
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    std::string name(r.string());
    out[name] = r.i16();
  }
  REQUIRE(r.ok());
  return out;
}

struct ConfigAnswer {
  int16_t error = -100;
  std::map<std::string, std::string> values;
  std::map<std::string, int8_t> sources;
  std::map<std::string, std::vector<std::string>> synonyms;  // "name=value"
};

// DescribeConfigs v1 with synonyms for one topic.
ConfigAnswer describe_topic_configs(KafkaWireClient& c, const std::string& topic) {
  Writer w;
  w.array_length(1);
  w.i8(2);  // TOPIC
  w.string(topic);
  w.array_length(-1);
  w.boolean(true);
  auto body = c.call(kDescribeConfigs, 1, w.bytes());
  REQUIRE(body.has_value());
  Reader r(*body);
  (void)r.i32();
  REQUIRE(r.array_length() == 1);
  ConfigAnswer out;
  out.error = r.i16();
  (void)r.nullable_string();
  CHECK(r.i8() == 2);
  CHECK(r.string() == topic);
  int32_t n = r.array_length().value_or(0);
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    std::string name(r.string());
    out.values[name] = std::string(r.nullable_string().value_or(""));
    (void)r.boolean();  // read_only
    out.sources[name] = r.i8();
    (void)r.boolean();  // is_sensitive
    int32_t syn = r.array_length().value_or(0);
    for (int32_t j = 0; j < syn && r.ok(); ++j) {
      std::string sname(r.string());
      out.synonyms[name].push_back(sname + "=" + std::string(r.nullable_string().value_or("")));
      (void)r.i8();
    }
  }
  REQUIRE(r.ok());
  return out;
}

// The admin API's produce route with no records: 200 once the topic exists, 404 otherwise.
int http_topic_status(ServerFixture& s, const std::string& topic) {
  return s.post("/v1/admin/topics/" + topic + "/records", "{\"records\":[]}").status;
}

// ListGroups v2: group -> protocol type.
std::map<std::string, std::string> list_groups(KafkaWireClient& c) {
  auto body = c.call(kListGroups, 2, "");
  REQUIRE(body.has_value());
  Reader r(*body);
  (void)r.i32();
  CHECK(r.i16() == 0);
  std::map<std::string, std::string> out;
  int32_t n = r.array_length().value_or(0);
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    std::string id(r.string());
    out[id] = std::string(r.string());
  }
  REQUIRE(r.ok());
  return out;
}

struct MemberAnswer {
  std::string id, client_id, client_host, metadata, assignment;
};

struct GroupAnswer {
  int16_t error = -100;
  std::string state, protocol_type, protocol;
  std::vector<MemberAnswer> members;
  int32_t authorized_operations = 0;
};

// DescribeGroups v4 of one group, authorized operations not asked for.
GroupAnswer describe_group(KafkaWireClient& c, const std::string& group) {
  Writer w;
  w.array_length(1);
  w.string(group);
  w.boolean(false);
  auto body = c.call(kDescribeGroups, 4, w.bytes());
  REQUIRE(body.has_value());
  Reader r(*body);
  (void)r.i32();
  REQUIRE(r.array_length() == 1);
  GroupAnswer g;
  g.error = r.i16();
  CHECK(r.string() == group);
  g.state = std::string(r.string());
  g.protocol_type = std::string(r.string());
  g.protocol = std::string(r.string());
  int32_t n = r.array_length().value_or(0);
  for (int32_t i = 0; i < n && r.ok(); ++i) {
    MemberAnswer& m = g.members.emplace_back();
    m.id = std::string(r.string());
    (void)r.nullable_string();  // group_instance_id
    m.client_id = std::string(r.string());
    m.client_host = std::string(r.string());
    m.metadata = std::string(r.nullable_bytes().value_or(""));
    m.assignment = std::string(r.nullable_bytes().value_or(""));
  }
  g.authorized_operations = r.i32();
  REQUIRE(r.ok());
  CHECK(r.remaining() == 0);
  return g;
}

// OffsetCommit v2 outside a group protocol (generation -1): the group then has only offsets.
std::string commit_body(const std::string& group, const std::string& topic, int64_t offset) {
  Writer b;
  b.string(group);
  b.i32(-1);
  b.string("");
  b.i64(-1);
  b.array_length(1);
  b.string(topic);
  b.array_length(1);
  b.i32(0);
  b.i64(offset);
  b.nullable_string(std::nullopt);
  return b.take();
}

}  // namespace

TEST_SUITE("e2e kafka admin") {
  TEST_CASE("CreateTopics makes a topic Metadata, the CLI and the HTTP API see, refusing what it must") {
    ServerFixture s;
    s.start(2);
    KafkaWireClient c(s.kafka_port);
    auto dry = c.call(kCreateTopics, 4, create_body({{"dry-run", 3, 1, {}}}, /*validate_only=*/true));
    REQUIRE(dry.has_value());
    CHECK(create_answer(*dry)["dry-run"].code == 0);
    CHECK(http_topic_status(s, "dry-run") == 404);  // validate_only created nothing

    auto body = c.call(kCreateTopics, 4,
                       create_body({{"audit-log", 3, 1, {{"cleanup.policy", "compact"}, {"message.timestamp.type", "CreateTime"}}},
                                    {"defaults", -1, -1, {}},
                                    {"orders", 2, 1, {}},
                                    {"__private", 1, 1, {}},
                                    {"bad name", 1, 1, {}},
                                    {"copies", 1, 3, {}},
                                    {"no-partitions", 0, 1, {}},
                                    {"odd-config", 1, 1, {{"segment.jitter.ms", "5"}}},
                                    {"log-time", 1, 1, {{"message.timestamp.type", "LogAppendTime"}}}}));
    REQUIRE(body.has_value());
    auto answer = create_answer(*body);
    CHECK(answer["audit-log"].code == 0);
    CHECK(answer["defaults"].code == 0);
    CHECK(answer["orders"].code == 29);     // TOPIC_AUTHORIZATION_FAILED: the ecosystem's
    CHECK(answer["__private"].code == 29);  // internal names are owned too, existing or not
    CHECK(answer["bad name"].code == 17);   // INVALID_TOPIC_EXCEPTION
    CHECK(answer["copies"].code == 38);     // INVALID_REPLICATION_FACTOR
    CHECK(answer["no-partitions"].code == 37);
    CHECK(answer["odd-config"].code == 40);  // INVALID_CONFIG, saying which key
    CHECK_MESSAGE(has(answer["odd-config"].message, "segment.jitter.ms"), answer["odd-config"].message);
    CHECK(answer["log-time"].code == 0);
    CHECK(has(answer["orders"].message, "orders"));

    auto again = c.call(kCreateTopics, 4, create_body({{"audit-log", 1, 1, {}}}));
    REQUIRE(again.has_value());
    CHECK(create_answer(*again)["audit-log"].code == 36);  // TOPIC_ALREADY_EXISTS

    CliRun listed = kcat_run(s, {"-L"});
    REQUIRE_MESSAGE(listed.code == 0, listed.err);
    CHECK_MESSAGE(has(listed.out, "topic \"audit-log\" with 3 partitions"), listed.out);
    CHECK_MESSAGE(has(listed.out, "topic \"defaults\" with 2 partitions"), listed.out);  // --partitions
    CHECK(!has(listed.out, "\"copies\""));
    CHECK(http_topic_status(s, "audit-log") == 200);
    CliRun described = run_cli(s.dir.str(), {"topics", "describe", "audit-log", "--data-dir", s.data_dir()});
    CHECK_MESSAGE(has(described.out, "cleanup.policy=compact"), described.out);

    ConfigAnswer configs = describe_topic_configs(c, "audit-log");
    CHECK(configs.error == 0);
    CHECK(configs.values["cleanup.policy"] == "compact");
    CHECK(configs.sources["cleanup.policy"] == 1);  // set on the topic
    CHECK(configs.synonyms["cleanup.policy"] ==
          std::vector<std::string>{"cleanup.policy=compact", "log.cleanup.policy=delete"});
    CHECK(configs.values["retention.ms"] == "604800000");
    CHECK(configs.sources["retention.ms"] == 5);  // the default
    CHECK(configs.values["message.timestamp.type"] == "CreateTime");
    ConfigAnswer log_time = describe_topic_configs(c, "log-time");
    CHECK(log_time.values["message.timestamp.type"] == "LogAppendTime");
    CHECK(log_time.sources["message.timestamp.type"] == 1);
    CHECK(describe_topic_configs(c, "no-such-topic").error == 3);  // UNKNOWN_TOPIC_OR_PARTITION
  }

  TEST_CASE("DeleteTopics removes a topic from Metadata and the HTTP API and refuses the ecosystem's") {
    ServerFixture s;
    s.start(1);
    KafkaWireClient c(s.kafka_port);
    auto created = c.call(kCreateTopics, 4, create_body({{"scratch", 2, 1, {}}}));
    REQUIRE(created.has_value());
    REQUIRE(create_answer(*created)["scratch"].code == 0);
    REQUIRE(http_topic_status(s, "scratch") == 200);

    auto deleted = delete_topics(c, {"scratch", "orders", "never-was"});
    CHECK(deleted["scratch"] == 0);
    CHECK(deleted["orders"] == 29);     // TOPIC_AUTHORIZATION_FAILED
    CHECK(deleted["never-was"] == 3);   // UNKNOWN_TOPIC_OR_PARTITION
    CHECK(http_topic_status(s, "scratch") == 404);
    CHECK(http_topic_status(s, "orders") == 403);  // still there (404 if it were gone), and owned
    CliRun listed = kcat_run(s, {"-L"});
    REQUIRE_MESSAGE(listed.code == 0, listed.err);
    CHECK_MESSAGE(!has(listed.out, "\"scratch\""), listed.out);
    CHECK(has(listed.out, "topic \"orders\""));
    CHECK(delete_topics(c, {"scratch"})["scratch"] == 3);  // gone, not deleted twice
  }

  TEST_CASE("ListGroups and DescribeGroups show a running kcat -G member, an offsets-only group, and the group it left") {
    ServerFixture s;
    s.start(1);
    REQUIRE(kcat_run(s, {"-P", "-t", "clicks", "-K:"}, "a:1\nb:2\n").code == 0);
    KafkaWireClient c(s.kafka_port);
    auto committed = c.call(kOffsetCommit, 2, commit_body("archivist", "clicks", 1));
    REQUIRE(committed.has_value());

    ChildProcess watcher(kcat_argv(s, {"-G", "watchers", "-f", "%k\\n", "clicks"}), s.dir.str());
    GroupAnswer g;
    bool stable = wait_until(
        [&] {
          g = describe_group(c, "watchers");
          return g.state == "Stable";
        },
        std::chrono::seconds(60));
    REQUIRE_MESSAGE(stable, "state " << g.state << "; kcat: " << watcher.stderr_text());
    CHECK(g.error == 0);
    CHECK(g.protocol_type == "consumer");
    CHECK_FALSE(g.protocol.empty());  // the assignor every member speaks
    REQUIRE(g.members.size() == 1);
    CHECK(g.members[0].client_id == "rdkafka");
    CHECK(g.members[0].client_host == "/127.0.0.1");
    CHECK(has(g.members[0].metadata, "clicks"));    // its subscription
    CHECK(has(g.members[0].assignment, "clicks"));  // what the leader gave it
    CHECK(g.authorized_operations == INT32_MIN);    // not asked for

    auto groups = list_groups(c);
    CHECK(groups["watchers"] == "consumer");
    REQUIRE(groups.count("archivist") == 1);
    CHECK(groups["archivist"] == "");  // only committed offsets
    GroupAnswer archivist = describe_group(c, "archivist");
    CHECK(archivist.state == "Empty");
    CHECK(archivist.members.empty());
    GroupAnswer nobody = describe_group(c, "nobody");
    CHECK(nobody.error == 0);  // Kafka's answer for an unknown group
    CHECK(nobody.state == "Dead");

    watcher.kill(SIGTERM);  // kcat leaves the group on its way out
    REQUIRE(watcher.wait_exit(std::chrono::seconds(30)).has_value());
    bool left = wait_until([&] { return describe_group(c, "watchers").members.empty(); }, std::chrono::seconds(30));
    CHECK(left);
    CHECK(describe_group(c, "watchers").state == "Empty");
  }
}
