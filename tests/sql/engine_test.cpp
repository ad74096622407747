#include "sql/engine.h"

#include <doctest/doctest.h>

#include <simdjson.h>

#include <atomic>
#include <mutex>

#include "log/read_view.h"
#include "sql/parser.h"
#include "sql/result_format.h"
#include "sql/push_runner.h"
#include "support/check_ok.h"
#include "support/temp_dir.h"
#include "support/wait.h"
#include "support/open_log.h"

using namespace orderstream;
using namespace orderstream::sql;
using namespace std::chrono_literals;

namespace {

struct EngineFixture {
  test::TempDir dir{"os-sql-engine"};
  std::unique_ptr<log::Log> log;
  std::unique_ptr<Engine> engine;
  QueryProperties props;

  explicit EngineFixture(QueryMode mode = QueryMode::kManual) {
    log = test::open_log(dir);
    for (const char* t : {"orders", "customers"}) REQUIRE_OK(log->create_topic(t, 2, {}));
    open_engine(mode);
  }
  void open_engine(QueryMode mode) {
    engine.reset();
    auto e = Engine::open(*log, {.partitions = 2, .mode = mode, .owned_topic = {}});
    REQUIRE_OK(e);
    engine = std::move(*e);
  }
  StatementResult run(std::string_view sql) {
    auto st = parse_statement(sql);
    REQUIRE_OK(st);
    auto r = engine->execute(*st, &props);
    REQUIRE_OK(r);
    return *r;
  }
  void order(const std::string& id, int64_t customer, const std::string& state, int64_t ts = 1000) {
    std::string v = R"({"id":")" + id + R"(","customerId":)" + std::to_string(customer) + R"(,"state":")" +
                    state + R"(","product":"JUMPERS","quantity":1,"price":1.0})";
    log::RecordData r{id, v, ts, {}};
    REQUIRE_OK(log->append("orders", std::nullopt, std::span<const log::RecordData>(&r, 1)));
  }
  std::unique_ptr<PushQuery> push(std::string_view sql) {
    auto st = parse_statement(sql);
    REQUIRE_OK(st);
    auto q = engine->start_push(*st, props);
    REQUIRE_OK(q);
    return std::move(*q);
  }
  std::vector<std::string> poll(PushQuery& q) {
    std::vector<std::vector<Value>> rows;
    REQUIRE_OK(q.poll(&rows, 0ms));
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(row_json(r));
    return out;
  }
  size_t records(const std::string& topic) {
    auto view = log->read_view();
    auto info = log->topic(topic);
    if (!view.ok() || !info.ok()) return 0;
    size_t n = 0;
    for (int32_t p = 0; p < info->partitions; ++p) {
      auto pi = view->partition_info({topic, PartitionId(p)});
      if (pi.ok()) n += static_cast<size_t>(pi->count);
    }
    return n;
  }
};

bool valid_json(const std::string& s) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  return parser.parse(s).get(e) == simdjson::SUCCESS;
}

}  // namespace

TEST_SUITE("sql") {

TEST_CASE("a fresh log knows the product's streams and tables") {
  EngineFixture f;
  StatementResult streams = f.run("SHOW STREAMS;");
  REQUIRE(streams.rows.size() == 3);
  CHECK(streams.rows[0][0] == Value::string("orders"));
  CHECK(streams.rows[1][0] == Value::string("order_validations"));
  CHECK(streams.rows[1][1] == Value::string("order-validations"));
  CHECK(streams.rows[2][0] == Value::string("payments"));
  StatementResult tables = f.run("SHOW TABLES;");
  REQUIRE(tables.rows.size() == 2);
  CHECK(tables.rows[0][0] == Value::string("customers"));
  CHECK(tables.rows[1][1] == Value::string("warehouse-inventory"));
  StatementResult d = f.run("DESCRIBE ORDERS;");
  CHECK(render_result(d) ==
        "Name: orders (STREAM, topic orders)\n"
        "+------------+---------------+\n"
        "| Field      | Type          |\n"
        "+------------+---------------+\n"
        "| id         | VARCHAR (key) |\n"
        "| customerId | BIGINT        |\n"
        "| state      | VARCHAR       |\n"
        "| product    | VARCHAR       |\n"
        "| quantity   | INT           |\n"
        "| price      | DOUBLE        |\n"
        "+------------+---------------+\n");
  for (const StatementResult& r : {streams, tables, d}) CHECK(valid_json(to_ksql_json(r)));
  CHECK(to_ksql_json(tables).find(R"("tables":[{"type":"TABLE","name":"customers","topic":"customers")") !=
        std::string::npos);
}

TEST_CASE("push queries follow a stream from its end or its beginning, filter, project and stop at LIMIT") {
  EngineFixture f;
  f.order("o1", 1, "CREATED");
  auto latest = f.push("SELECT id, customerId * 10 AS c FROM orders WHERE state = 'CREATED' EMIT CHANGES LIMIT 2;");
  CHECK(latest->columns() == std::vector<std::string>{"id", "c"});
  CHECK(f.poll(*latest).empty());  // o1 was there before the query
  f.order("o2", 2, "VALIDATED");
  f.order("o3", 3, "CREATED");
  CHECK(f.poll(*latest) == std::vector<std::string>{R"(["o3",30])"});
  CHECK_FALSE(latest->done());
  f.order("o4", 4, "CREATED");
  f.order("o5", 5, "CREATED");
  CHECK(f.poll(*latest).size() == 1);
  CHECK(latest->done());
  CHECK(f.poll(*latest).empty());

  f.run("SET 'auto.offset.reset' = 'earliest';");
  auto earliest = f.push("SELECT * FROM orders WHERE customerId < 3 EMIT CHANGES;");
  auto rows = f.poll(*earliest);
  std::sort(rows.begin(), rows.end());
  CHECK(rows == std::vector<std::string>{R"(["o1",1,"CREATED","JUMPERS",1,1.0])",
                                         R"(["o2",2,"VALIDATED","JUMPERS",1,1.0])"});
  SUBCASE("joins and aggregates are for persistent queries") {
    auto st = parse_statement("SELECT customerId, COUNT(*) FROM orders GROUP BY customerId EMIT CHANGES;");
    REQUIRE_OK(st);
    auto q = f.engine->start_push(*st, f.props);
    CHECK(q.status().message().find("push queries with JOIN or GROUP BY are not supported") != std::string::npos);
  }
}

TEST_CASE("the push runner hands over rows as their records arrive and ends a run its caller leaves") {
  EngineFixture f;
  PushRunner runner(1);
  std::mutex mu;
  std::vector<std::string> rows;  // GUARDED_BY(mu)
  std::atomic<bool> wanted{true}, done{false};
  auto seen = [&] {
    std::lock_guard lock(mu);
    return rows;
  };
  REQUIRE_OK(runner.run(
      f.push("SELECT id FROM orders EMIT CHANGES;"), std::nullopt,
      [&](std::vector<std::vector<Value>> batch) {
        std::lock_guard lock(mu);
        for (const auto& r : batch) rows.push_back(row_json(r));
        return true;
      },
      [&](Status st) {
        CHECK_OK(st);
        done = true;
      },
      [&] { return wanted.load(); }));
  // Each row is handed over before the next record exists: no batching until an end.
  f.order("r1", 1, "CREATED");
  CHECK(test::wait_until([&] { return seen() == std::vector<std::string>{R"(["r1"])"}; }, 10s));
  f.order("r2", 1, "CREATED");
  CHECK(test::wait_until([&] { return seen().size() == 2; }, 10s));
  // One run at a time here: a second is refused while the first runs.
  CHECK(runner.run(f.push("SELECT id FROM orders EMIT CHANGES;"), std::nullopt,
                   [](auto) { return true; }, [](Status) {}).code() == StatusCode::kBusy);
  wanted = false;  // the caller left
  CHECK(test::wait_until([&] { return done.load(); }, 10s));
  CHECK_OK(runner.run(f.push("SELECT id FROM orders EMIT CHANGES LIMIT 1;"), std::nullopt,
                      [](auto) { return true; }, [](Status) {}));
  runner.stop();  // ends a run that waits for rows
  CHECK(runner.run(f.push("SELECT id FROM orders EMIT CHANGES;"), std::nullopt, [](auto) { return true; },
                   [](Status) {}).code() == StatusCode::kAborted);
}

TEST_CASE("persistent queries run on their own threads and resume after the engine is reopened") {
  EngineFixture f(QueryMode::kThreads);
  f.order("o1", 1, "VALIDATED");
  StatementResult created = f.run("CREATE STREAM validated AS SELECT id FROM orders WHERE state = 'VALIDATED';");
  CHECK(created.query_id == "CSAS_VALIDATED_1");
  CHECK(test::wait_until([&] { return f.records("validated") == 1; }, 10s));
  StatementResult queries = f.run("SHOW QUERIES;");
  REQUIRE(queries.rows.size() == 1);
  CHECK(queries.rows[0][0] == Value::string("CSAS_VALIDATED_1"));
  CHECK(queries.rows[0][2] == Value::string("RUNNING"));

  f.open_engine(QueryMode::kThreads);  // as after a restart: the catalog is replayed
  CHECK(f.run("SHOW QUERIES;").rows.size() == 1);
  f.order("o2", 2, "VALIDATED");
  f.order("o3", 3, "CREATED");
  CHECK(test::wait_until([&] { return f.records("validated") == 2; }, 10s));
  StatementResult d = f.run("DESCRIBE validated;");
  CHECK(d.query_id == "CSAS_VALIDATED_1");
  CHECK(f.run("TERMINATE csas_validated_1;").message == "Query terminated.");
  CHECK(f.run("SHOW QUERIES;").rows.empty());
  CHECK(f.run("DROP STREAM validated;").message == "Source validated (topic: validated) was dropped.");
  f.open_engine(QueryMode::kThreads);
  CHECK(f.run("SHOW STREAMS;").rows.size() == 3);
  // A new query under a recycled name starts afresh, from the beginning of its source.
  CHECK(f.run("CREATE STREAM validated AS SELECT id FROM orders WHERE state = 'VALIDATED';").query_id ==
        "CSAS_VALIDATED_1");
  CHECK(test::wait_until([&] { return f.records("validated") == 4; }, 10s));
}

TEST_CASE("PARTITIONS must be all digits in range: nothing is created otherwise") {
  EngineFixture f;
  for (const char* bad : {"4x", "4294967297", "0", "-1", "", " 4", "1e3", "99999999999999999999"}) {
    CAPTURE(bad);
    auto st = parse_statement(std::string("CREATE STREAM s (id VARCHAR) WITH (KAFKA_TOPIC='made', PARTITIONS='") +
                              bad + "');");
    REQUIRE_OK(st);
    auto r = f.engine->execute(*st, &f.props);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().find("PARTITIONS must be an integer in 1..") != std::string::npos);
    CHECK_FALSE(f.log->topic("made").ok());
  }
  f.run("CREATE STREAM s (id VARCHAR) WITH (KAFKA_TOPIC='made', PARTITIONS='3');");
  auto made = f.log->topic("made");
  REQUIRE_OK(made);
  CHECK(made->partitions == 3);
}

TEST_CASE("bordered tables size their columns to the widest cell") {
  CHECK(render_table({"a", "long name"}, {{Value::integer(12345), Value()}, {Value::string("x"), Value::boolean(true)}}) ==
        "+-------+-----------+\n"
        "| a     | long name |\n"
        "+-------+-----------+\n"
        "| 12345 | null      |\n"
        "| x     | true      |\n"
        "+-------+-----------+\n");
}

}  // TEST_SUITE
