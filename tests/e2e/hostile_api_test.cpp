// The hostile catalogue of the API-safety issue, through the real binary as an outside client:
// forging the ecosystem's facts, moving its tasks' offsets, numbers that only half parse, and
// fetches asking for unbounded answers. Each must be refused with a JSON error and write nothing,
// or be served within documented bounds.
#include "e2e/cli_run.h"
#include "e2e/hostile_fixture.h"

using namespace orderstream::test;

namespace {

const char* kProxyJson = "application/vnd.kafka.json.v2+json";

HttpResult proxy(ServerFixture& s, bhttp::verb verb, const std::string& target, const std::string& body = "") {
  return http_request(s.port, verb, target, body, kProxyJson);
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("e2e hostile api") {
  TEST_CASE("forged facts in the ecosystem's topics are 403 40301 and append nothing") {
    ServerFixture s;
    s.start(2);
    double before = appended_records(s);
    const std::string forged =
        R"({"records":[{"key":"g2","value":{"id":"g2","customerId":1,"state":"VALIDATED","product":"JUMPERS","quantity":1,"price":1}}]})";
    for (const char* topic : {"orders", "order-validations", "orders-by-product", "orders-by-customer", "emails",
                              "platinum", "payments", "customers", "warehouse-inventory"}) {
      HttpResult r = proxy(s, bhttp::verb::post, std::string("/topics/") + topic, forged);
      CHECK_MESSAGE(r.status == 403, topic << ": " << r.body);
      CHECK(has(r.body, "\"error_code\":40301"));
    }
    CHECK(s.get("/v1/orders/g2?timeout=0").status == 504);  // no such order came to exist
    check_log_untouched(s, before);
  }

  TEST_CASE("the admin API creates no topic with a reserved or owned name") {
    ServerFixture s;
    s.start(2);
    for (const char* name : {"__consumer_offsets", "__sql_mine", "orders"}) {
      HttpResult r = s.post("/v1/admin/topics", std::string(R"({"name":")") + name + R"(","partitions":1})");
      CHECK_MESSAGE(r.status == 403, name << ": " << r.body);
      CHECK(has(r.body, "PermissionDenied"));
    }
    CliRun topics = run_cli(s.dir.str(), {"--data-dir", s.data_dir(), "topics", "list"});
    REQUIRE_MESSAGE(topics.code == 0, topics.err);
    CHECK(has(topics.out, "orders"));
    CHECK_FALSE(has(topics.out, "__consumer_offsets"));
    CHECK_FALSE(has(topics.out, "__sql_mine"));
    CHECK(s.post("/v1/admin/topics", R"({"name":"mine","partitions":1})").status == 201);
  }

  TEST_CASE("a stream task's consumer group cannot be joined, committed or streamed by a client") {
    ServerFixture s;
    s.start(2);
    for (const char* group : {"inventory", "fraud", "order-details", "orders-view", "validations-aggregator"}) {
      HttpResult join = proxy(s, bhttp::verb::post, std::string("/consumers/") + group, R"({"name":"x","format":"json"})");
      CHECK_MESSAGE(join.status == 403, group << ": " << join.body);
      CHECK(has(join.body, "40301"));
      HttpResult sse = s.get(std::string("/v1/topics/orders/stream?group=") + group + "&timeout=0");
      CHECK_MESSAGE(sse.status == 403, group << ": " << sse.body);
    }
  }

  TEST_CASE("SQL numbers that only half parse are 400 and create nothing") {
    ServerFixture s;
    s.start(1);
    for (const char* partitions : {"4x", "4294967297", "0", "-1", "1e3", " 4", "99999999999999999999"}) {
      std::string stmt = std::string("CREATE STREAM s1 (id VARCHAR) WITH (KAFKA_TOPIC='s1', VALUE_FORMAT='JSON', PARTITIONS='") +
                         partitions + "');";
      HttpResult r = s.post("/ksql", "{\"ksql\":\"" + stmt + "\",\"streamsProperties\":{}}");
      check_rejected(r, 400);
    }
    CHECK_FALSE(has(s.post("/ksql", R"({"ksql":"SHOW STREAMS;","streamsProperties":{}})").body, "S1"));
    CHECK(proxy(s, bhttp::verb::post, "/topics/s1", R"({"records":[{"value":1}]})").status == 404);
  }

  TEST_CASE("a fetch asking for an unbounded answer is clamped, and one answer holds at most 10000 records") {
    ServerFixture s;
    s.start(1);
    REQUIRE(s.post("/ksql", R"({"ksql":"CREATE STREAM clicks (n INT) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);","streamsProperties":{}})")
                .status == 200);
    std::string batch = "{\"records\":[";
    for (int i = 0; i < 6000; ++i) batch += std::string(i ? "," : "") + "{\"value\":" + std::to_string(i) + "}";
    batch += "]}";
    for (int i = 0; i < 2; ++i) REQUIRE(proxy(s, bhttp::verb::post, "/topics/clicks", batch).status == 200);
    REQUIRE(proxy(s, bhttp::verb::post, "/consumers/readers",
                  R"({"name":"r","format":"json","auto.offset.reset":"earliest"})").status == 200);
    REQUIRE(proxy(s, bhttp::verb::post, "/consumers/readers/instances/r/subscription", R"({"topics":["clicks"]})")
                .status == 204);
    HttpResult bad = proxy(s, bhttp::verb::get, "/consumers/readers/instances/r/records?max_bytes=12x");
    CHECK(bad.status == 400);
    CHECK_MESSAGE(has(bad.body, "\"error_code\":400"), bad.body);
    HttpResult r = proxy(s, bhttp::verb::get,
                         "/consumers/readers/instances/r/records?timeout=5000&max_bytes=1000000000000000000");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    size_t records = 0;
    for (size_t at = r.body.find("\"offset\":"); at != std::string::npos; at = r.body.find("\"offset\":", at + 1)) ++records;
    CHECK(records == 10000);  // 12000 were there; the rest come with the next fetch
  }
}
