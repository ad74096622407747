// The single-writer rule on the SQL side: a persistent query may not write a topic the
// ecosystem owns or another query writes (403 PermissionDenied over /ksql, nothing created), and
// while a query runs, its output topic and its tasks' consumer groups are refused to REST Proxy
// produce, offset commits and SSE group= as the ecosystem's are; TERMINATE opens them again.
#include "e2e/server_fixture.h"

using namespace orderstream::test;

namespace {

HttpResult ksql(ServerFixture& s, const std::string& statements) {
  return s.post("/ksql", "{\"ksql\":\"" + statements + "\",\"streamsProperties\":{}}");
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const char* kBigPayments = "CREATE STREAM big WITH (KAFKA_TOPIC='big_payments') AS SELECT * FROM payments WHERE amount > 100;";

}  // namespace

TEST_SUITE("e2e sql ownership") {
  TEST_CASE("a query into an ecosystem topic or another query's output is 403 PermissionDenied and creates nothing") {
    ServerFixture s;
    s.start(2);
    for (const char* topic : {"order-validations", "orders", "platinum", "__sql_catalog"}) {
      HttpResult r = ksql(s, std::string("CREATE STREAM forged WITH (KAFKA_TOPIC='") + topic +
                                 "') AS SELECT * FROM payments;");
      CHECK_MESSAGE(r.status == 403, topic << ": " << r.body);
      CHECK(has(r.body, "\"code\":\"PermissionDenied\""));
    }
    CHECK_FALSE(has(ksql(s, "SHOW STREAMS;").body, "FORGED"));

    REQUIRE(ksql(s, kBigPayments).status == 200);
    HttpResult second = ksql(s, "CREATE STREAM big2 WITH (KAFKA_TOPIC='big_payments') AS SELECT * FROM payments;");
    CHECK_MESSAGE(second.status == 403, second.body);
    CHECK_MESSAGE(has(second.body, "persistent query CSAS_BIG_"), second.body);
  }

  TEST_CASE("a running query's output topic and groups are read-only to clients until TERMINATE") {
    ServerFixture s;
    s.start(2);
    REQUIRE(ksql(s, kBigPayments).status == 200);
    const std::string record = R"({"records":[{"key":"k","value":{"id":"p9"}}]})";
    HttpResult produce = http_request(s.port, bhttp::verb::post, "/topics/big_payments", record,
                                      "application/vnd.kafka.json.v2+json");
    CHECK_MESSAGE(produce.status == 403, produce.body);
    CHECK(has(produce.body, "40301"));
    HttpResult consumer = s.post("/consumers/CSAS_BIG_1", R"({"name":"m1","format":"json"})");
    CHECK_MESSAGE(consumer.status == 403, consumer.body);
    CHECK(s.get("/v1/topics/payments/stream?group=CSAS_BIG_1&timeout=0").status == 403);

    REQUIRE(ksql(s, "TERMINATE CSAS_BIG_1;").status == 200);
    HttpResult after = http_request(s.port, bhttp::verb::post, "/topics/big_payments", record,
                                    "application/vnd.kafka.json.v2+json");
    CHECK_MESSAGE(after.status == 200, after.body);
  }
}
