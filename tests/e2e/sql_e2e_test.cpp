// SQL through the real binary: POST /ksql and POST /query-stream (ksqlDB's shapes), the
// article's platinum stream and the reference's FRAUD_ORDER table on a fresh server with no
// CREATE of the product's streams first, both surviving a restart; `orderstream sql` with --url
// and over the data dir.
#include <algorithm>
#include <fstream>

#include "e2e/server_fixture.h"
#include "support/wait.h"

using namespace orderstream::test;
using namespace std::chrono_literals;

namespace {

struct Run {
  int code;
  std::string out, err;
};

// Runs the CLI with stdin from a file holding `input` (empty: /dev/null).
Run run_cli(ServerFixture& s, std::vector<std::string> args, const std::string& input = "") {
  std::string in_path = s.dir.file("stdin.sql");
  std::ofstream(in_path) << input;
  std::string cmd = "exec '" + std::string(OS_BINARY) + "'";
  for (const std::string& a : args) cmd += " '" + a + "'";
  ChildProcess p({"/bin/sh", "-c", cmd + " < '" + in_path + "'"}, s.dir.str());
  auto code = p.wait_exit(std::chrono::seconds(60));
  REQUIRE(code.has_value());
  return {*code, p.stdout_text(), p.stderr_text()};
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}

HttpResult ksql(ServerFixture& s, const std::string& statements) {
  return s.post("/ksql", "{\"ksql\":" + quoted(statements) + ",\"streamsProperties\":{}}");
}

// Lines of a /query-stream answer: the header, then one JSON array per row.
std::vector<std::string> query(ServerFixture& s, const std::string& sql, int timeout_ms = 30000) {
  HttpResult r = s.post("/query-stream?timeout=" + std::to_string(timeout_ms),
                        "{\"sql\":" + quoted(sql) + ",\"properties\":{\"auto.offset.reset\":\"earliest\"}}");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < r.body.size()) {
    size_t nl = r.body.find('\n', start);
    lines.push_back(r.body.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

const char* kPlatinum =
    "CREATE STREAM platinum_orders AS "
    "SELECT o.id AS orderId, o.customerId, c.email, o.price * o.quantity AS total "
    "FROM orders o JOIN customers c ON o.customerId = c.id "
    "WHERE c.level = 'platinum' AND o.state = 'VALIDATED' EMIT CHANGES;";
const char* kFraud =
    "CREATE TABLE FRAUD_ORDER AS SELECT CUSTOMERID, COUNT(*) AS ORDER_COUNT FROM orders "
    "WINDOW TUMBLING (SIZE 30 SECONDS) GROUP BY CUSTOMERID HAVING COUNT(*) > 2;";

void customer(ServerFixture& s, int id, const std::string& level) {
  std::string body = "{\"id\":" + std::to_string(id) + ",\"firstName\":\"F\",\"lastName\":\"L\",\"email\":\"c" +
                     std::to_string(id) + "@example.com\",\"address\":\"A\",\"level\":\"" + level + "\"}";
  HttpResult r = s.post("/v1/customers", body);
  REQUIRE_MESSAGE(r.status / 100 == 2, r.body);
}

void order(ServerFixture& s, const std::string& id, int customer) {
  HttpResult r = s.post("/v1/orders", order_json(id, customer, "JUMPERS", 1, 2.0));
  REQUIRE_MESSAGE(r.status == 201, r.body);
}

}  // namespace

TEST_SUITE("e2e sql") {
  TEST_CASE("the article's platinum stream and FRAUD_ORDER table work over /ksql and /query-stream and survive a restart") {
    ServerFixture s;
    s.start(2);
    HttpResult created = ksql(s, kPlatinum);
    REQUIRE_MESSAGE(created.status == 200, created.body);
    CHECK(created.body.find(R"("@type":"currentStatus")") != std::string::npos);
    CHECK(created.body.find(R"("queryId":"CSAS_PLATINUM_ORDERS_1")") != std::string::npos);
    HttpResult fraud = ksql(s, kFraud);
    REQUIRE_MESSAGE(fraud.status == 200, fraud.body);

    REQUIRE(s.put("/v1/inventory/JUMPERS", "{\"stock\":100}").status == 200);
    customer(s, 1, "platinum");
    customer(s, 5, "gold");
    // Customers first: the join matches an order with the table as of the order's time.
    CHECK(wait_until([&] { return s.get("/v1/customers/5").status == 200; }, 10s));
    order(s, "p1", 1);
    order(s, "g1", 5);
    // Five orders of one customer in a moment: whatever the 30 s window boundaries, one window
    // holds at least three.
    for (int i = 0; i < 5; ++i) order(s, "f" + std::to_string(i), 2);

    std::vector<std::string> rows = query(s, "SELECT orderId, customerId, email FROM platinum_orders EMIT CHANGES LIMIT 1;");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].find(R"("columnNames":["orderId","customerId","email"])") != std::string::npos);
    CHECK(rows[1] == R"(["p1",1,"c1@example.com"])");

    CHECK(wait_until([&] { return query(s, "SELECT * FROM FRAUD_ORDER WHERE CUSTOMERID = 2;").size() >= 2; }, 30s));
    std::vector<std::string> pulled = query(s, "SELECT CUSTOMERID, ORDER_COUNT FROM FRAUD_ORDER WHERE CUSTOMERID = 1;");
    CHECK(pulled.size() == 1);  // header only: customer 1 placed one order

    HttpResult show = ksql(s, "SHOW QUERIES; SHOW STREAMS; DESCRIBE platinum_orders;");
    REQUIRE(show.status == 200);
    CHECK(show.body.find(R"("id":"CTAS_FRAUD_ORDER_2")") != std::string::npos);
    CHECK(show.body.find(R"("name":"order_validations","topic":"order-validations")") != std::string::npos);
    CHECK(show.body.find(R"("@type":"sourceDescription")") != std::string::npos);

    CHECK(s.stop() == 0);
    s.start(2);
    HttpResult queries = ksql(s, "SHOW QUERIES;");
    CHECK(queries.body.find("CSAS_PLATINUM_ORDERS_1") != std::string::npos);
    order(s, "p2", 1);
    rows = query(s, "SELECT orderId FROM platinum_orders EMIT CHANGES LIMIT 2;");
    REQUIRE(rows.size() == 3);
    CHECK(rows[1] == R"(["p1"])");
    CHECK(rows[2] == R"(["p2"])");
  }

  TEST_CASE("a push query streams each row on the open connection as its record arrives, and ends when the client leaves") {
    ServerFixture s;
    s.start(2);
    REQUIRE(s.put("/v1/inventory/JUMPERS", "{\"stock\":100}").status == 200);
    // Opens a push query with no LIMIT and no timeout over a raw socket; true once its header came.
    auto open = [&](RawSocket& sock, std::string* seen) {
      std::string body = "{\"sql\":\"SELECT id, customerId FROM orders WHERE state = 'CREATED' EMIT CHANGES;\"}";
      REQUIRE(sock.write("POST /query-stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body));
      return sock.read_until(seen, "\"columnNames\":[\"id\",\"customerId\"]");
    };
    {
      RawSocket sock(s.port);
      std::string seen;
      REQUIRE_MESSAGE(open(sock, &seen), seen);
      CHECK(seen.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
      // Each row arrives before the next order is posted.
      for (int i = 0; i < 3; ++i) {
        order(s, "s" + std::to_string(i), 7);
        REQUIRE_MESSAGE(sock.read_until(&seen, "[\"s" + std::to_string(i) + "\",7]\n"), seen);
      }
    }
    // A departed client frees its query: far more queries than may run at once (16) open and
    // close one after another, and each is accepted once the one before it noticed.
    for (int i = 0; i < 40; ++i) {
      std::string seen;
      bool opened = wait_until([&] {
        RawSocket sock(s.port);
        seen.clear();
        return open(sock, &seen);
      }, 30s);
      REQUIRE_MESSAGE(opened, "query " << i << " was refused: " << seen);
    }
  }

  TEST_CASE("bad SQL requests get a 400 with what is wrong and where") {
    ServerFixture s;
    s.start(2);
    HttpResult r = ksql(s, "SELECT * FROM;");
    CHECK(r.status == 400);
    CHECK(r.body.find("line 1, column 14: expected a stream or table name but found ';'") != std::string::npos);
    CHECK(s.post("/ksql", "{\"ksql\":").status == 400);
    CHECK(s.post("/ksql", "{}").body.find("missing required field 'ksql'") != std::string::npos);
    CHECK(ksql(s, "SELECT * FROM orders EMIT CHANGES;").body.find("go to POST /query-stream") != std::string::npos);
    CHECK(ksql(s, "DROP STREAM orders;").status == 400);
    CHECK(ksql(s, "DROP STREAM nothere;").status == 404);
    HttpResult q = s.post("/query-stream", "{\"sql\":\"SHOW STREAMS;\"}");
    CHECK(q.status == 400);
    q = s.post("/query-stream", "{\"sql\":\"SELECT nope FROM orders EMIT CHANGES;\"}");
    CHECK(q.status == 400);
    CHECK(q.body.find("line 1, column 8: unknown column 'nope'") != std::string::npos);
    q = s.post("/query-stream", "{\"sql\":\"SELECT * FROM orders EMIT CHANGES;\",\"properties\":{\"x\":\"y\"}}");
    CHECK(q.body.find("unknown property 'x'") != std::string::npos);
    // A push query without LIMIT answers with what arrived when its timeout passes.
    q = s.post("/query-stream?timeout=200", "{\"sql\":\"SELECT id FROM orders EMIT CHANGES;\"}");
    CHECK(q.status == 200);
    CHECK(q.body.find(R"("columnNames":["id"],"columnTypes":["VARCHAR"]})") != std::string::npos);
    CHECK(std::count(q.body.begin(), q.body.end(), '\n') == 1);  // the header, no rows
  }

  TEST_CASE("orderstream sql runs statements over --url, on the server holding the data dir, or with no server over the data dir") {
    ServerFixture s;
    s.start(2);
    std::string url = "http://127.0.0.1:" + std::to_string(s.port);
    Run shown = run_cli(s, {"sql", "--url", url, "SHOW TABLES;"});
    CHECK(shown.code == 0);
    CHECK(shown.out.find("| customers           | customers") != std::string::npos);
    // Without --url beside the server: the statements go to the server that holds the data dir.
    Run beside = run_cli(s, {"sql", "--data-dir", s.data_dir(), "SHOW TABLES;"});
    CHECK_MESSAGE(beside.code == 0, beside.err);
    CHECK(beside.out == shown.out);
    CHECK(beside.err.find("is in use by the server at " + url) != std::string::npos);
    CHECK(s.stop() == 0);

    Run script = run_cli(s, {"sql", "--data-dir", s.data_dir()},
                         "CREATE STREAM big AS SELECT id FROM orders\n  WHERE quantity > 5;\nSHOW QUERIES;\nDESCRIBE big;\n");
    CHECK(script.code == 0);
    CHECK(script.out.find("Created query with ID CSAS_BIG_1") != std::string::npos);
    CHECK(script.out.find("NOT RUNNING (runs in the server)") != std::string::npos);
    CHECK(script.out.find("| id    | VARCHAR |") != std::string::npos);
    Run bad = run_cli(s, {"sql", "--data-dir", s.data_dir(), "SELEC 1;"});
    CHECK(bad.code == 1);
    CHECK(bad.err.find("line 1, column 1: expected CREATE, SELECT") != std::string::npos);
    // The server runs the query the CLI recorded.
    s.start(2);
    CHECK(ksql(s, "SHOW QUERIES;").body.find(R"("id":"CSAS_BIG_1","queryType":"PERSISTENT","state":"RUNNING")") !=
          std::string::npos);
  }
}
