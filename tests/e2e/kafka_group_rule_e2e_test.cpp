// One protocol per consumer group, against the real binary: while kcat's balanced consumer holds
// a group, the REST Proxy and SSE are refused it (409), and get it once kcat has left; while a
// REST Proxy instance holds a group, a Kafka JoinGroup is INCONSISTENT_GROUP_PROTOCOL and a
// Kafka commit from outside the group UNKNOWN_MEMBER_ID, until the instance is deleted.
#include "e2e/kafka_wire_client.h"
#include "e2e/kcat_run.h"
#include "e2e/proxy_support.h"
#include "e2e/server_fixture.h"
#include "kafka/wire.h"
#include "support/wait.h"

using namespace orderstream::test;
using orderstream::kafka::Reader;
using orderstream::kafka::Writer;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// JoinGroup v0 for a new member of `group`: its error code.
int16_t join_error(KafkaWireClient& c, const std::string& group) {
  Writer w;
  w.string(group);
  w.i32(10000);  // session timeout
  w.string("");  // a new member
  w.string("consumer");
  w.array_length(1);
  w.string("range");
  w.nullable_bytes(std::string("\0\0\0\0\0\0\xff\xff\xff\xff", 10));  // v0 subscription: no topics, no user data
  auto body = c.call(11, 0, w.take());
  REQUIRE(body.has_value());
  Reader r(*body);
  return r.i16();
}

// OffsetCommit v2 from outside any generation (-1), as an assign()-based consumer commits.
int16_t commit_error(KafkaWireClient& c, const std::string& group, const std::string& topic) {
  Writer w;
  w.string(group);
  w.i32(-1);
  w.string("");
  w.i64(-1);  // retention
  w.array_length(1);
  w.string(topic);
  w.array_length(1);
  w.i32(0);
  w.i64(1);
  w.nullable_string(std::nullopt);
  auto body = c.call(8, 2, w.take());
  REQUIRE(body.has_value());
  Reader r(*body);
  enter_only_partition(r);
  return r.i16();
}

}  // namespace

TEST_SUITE("e2e kafka group rule") {
  TEST_CASE("a group kcat holds is refused to the REST Proxy and SSE until kcat leaves") {
    ServerFixture s;
    s.start(1);
    REQUIRE(kcat_run(s, {"-P", "-t", "clicks", "-K:"}, "k:v\n").code == 0);
    ChildProcess member(kcat_argv(s, {"-G", "held", "clicks"}), s.dir.str());
    REQUIRE(wait_until([&] { return has(member.stderr_text(), "assigned: clicks [0]"); }, std::chrono::seconds(30)));
    HttpResult instance = proxy_request(s, bhttp::verb::post, "/consumers/held", R"({"name":"rest-1"})");
    CHECK(instance.status == 409);
    CHECK_MESSAGE(has(instance.body, "live Kafka member"), instance.body);
    HttpResult sse = s.get("/v1/topics/clicks/stream?group=held&timeout=0");
    CHECK(sse.status == 409);
    member.kill(SIGTERM);  // kcat leaves the group on its way out
    REQUIRE(member.wait_exit(std::chrono::seconds(30)).has_value());
    CHECK(proxy_request(s, bhttp::verb::post, "/consumers/held", R"({"name":"rest-1"})").status == 200);
  }

  TEST_CASE("a group a REST Proxy instance holds refuses Kafka joins and outside commits until it is deleted") {
    ServerFixture s;
    s.start(1);
    REQUIRE(kcat_run(s, {"-P", "-t", "clicks", "-K:"}, "k:v\nk:w\n").code == 0);
    REQUIRE(proxy_request(s, bhttp::verb::post, "/consumers/mixed", R"({"name":"rest-1"})").status == 200);
    KafkaWireClient c(s.kafka_port);
    CHECK(join_error(c, "mixed") == 23);  // INCONSISTENT_GROUP_PROTOCOL
    CHECK(commit_error(c, "mixed", "clicks") == 25);  // UNKNOWN_MEMBER_ID
    CHECK(has(s.proc->stderr_text(), "live REST Proxy member"));
    CHECK(commit_error(c, "other", "clicks") == 0);  // a group nobody holds takes the commit
    REQUIRE(proxy_request(s, bhttp::verb::delete_, "/consumers/mixed/instances/rest-1").status == 204);
    CHECK(commit_error(c, "mixed", "clicks") == 0);
    CHECK(join_error(c, "mixed") == 0);
  }
}
