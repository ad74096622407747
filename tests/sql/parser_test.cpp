#include "sql/parser.h"

#include <doctest/doctest.h>

#include <string>

#include "support/check_ok.h"

using namespace orderstream;
using namespace orderstream::sql;

namespace {

std::string error_of(std::string_view text) {
  auto r = parse_statements(text);
  if (r.ok()) return "(parsed)";
  return r.status().message();
}

}  // namespace

TEST_SUITE("sql") {

TEST_CASE("CREATE STREAM with columns, key and WITH properties parses") {
  auto st = parse_statement(
      "CREATE STREAM pageviews (viewtime BIGINT, userid VARCHAR KEY, ok BOOLEAN)\n"
      "  WITH (KAFKA_TOPIC='pv', VALUE_FORMAT='JSON');");
  REQUIRE_OK(st);
  CHECK(st->kind == StatementKind::kCreateSource);
  CHECK_FALSE(st->is_table);
  CHECK(st->name == "pageviews");
  REQUIRE(st->columns.size() == 3);
  CHECK(st->columns[1].key);
  CHECK(st->columns[1].type == SqlType::kVarchar);
  CHECK(st->columns[2].type == SqlType::kBoolean);
  CHECK(st->with.at("KAFKA_TOPIC") == "pv");
  CHECK(st->with.at("VALUE_FORMAT") == "JSON");
  CHECK(st->text.find("CREATE STREAM") == 0);
  CHECK(st->text.back() == ')');
}

TEST_CASE("CREATE TABLE with PRIMARY KEY parses") {
  auto st = parse_statement("create table users (id bigint primary key, name varchar) with (kafka_topic='u');");
  REQUIRE_OK(st);
  CHECK(st->is_table);
  CHECK(st->columns[0].key);
  CHECK(st->columns[0].type == SqlType::kBigint);
}

TEST_CASE("CREATE STREAM AS SELECT with a join, WHERE and PARTITION BY parses") {
  auto st = parse_statement(
      "CREATE STREAM platinum AS SELECT o.id AS orderId, c.email, o.price * o.quantity total\n"
      "FROM orders o LEFT JOIN customers c ON o.customerId = c.id\n"
      "WHERE c.level = 'platinum' AND o.state = 'VALIDATED' PARTITION BY o.id EMIT CHANGES;");
  REQUIRE_OK(st);
  CHECK(st->kind == StatementKind::kCreateAs);
  const Select& s = *st->select;
  REQUIRE(s.items.size() == 3);
  CHECK(s.items[0].alias == "orderId");
  CHECK(s.items[1].expr->qualifier == "c");
  CHECK(s.items[2].alias == "total");
  CHECK(s.from.alias == "o");
  REQUIRE(s.join);
  CHECK(s.join->left);
  CHECK(s.join->table.name == "customers");
  CHECK(s.where->op == "AND");
  CHECK(s.partition_by);
  CHECK(s.emit_changes);
}

TEST_CASE("CREATE TABLE AS SELECT with a tumbling window, GROUP BY and HAVING parses") {
  auto st = parse_statement(
      "CREATE TABLE FRAUD_ORDER AS SELECT CUSTOMERID, COUNT(*) AS N, SUM(price) FROM orders\n"
      "WINDOW TUMBLING (SIZE 30 SECONDS) GROUP BY CUSTOMERID HAVING COUNT(*) > 2;");
  REQUIRE_OK(st);
  const Select& s = *st->select;
  REQUIRE(s.window);
  CHECK(s.window->size_ms == 30000);
  CHECK(s.items[1].expr->kind == ExprKind::kCall);
  CHECK(s.items[1].expr->star);
  CHECK(s.items[2].expr->name == "SUM");
  REQUIRE(s.group_by.size() == 1);
  CHECK(s.having->op == ">");
  SUBCASE("units") {
    for (auto [unit, ms] : {std::pair{"MINUTES", 60000LL}, {"HOURS", 3600000LL}, {"SECOND", 1000LL}}) {
      auto r = parse_statement(std::string("SELECT k, COUNT(*) FROM s WINDOW TUMBLING (SIZE 2 ") +
                               unit + ") GROUP BY k EMIT CHANGES;");
      REQUIRE_OK(r);
      CHECK(r->select->window->size_ms == 2 * ms);
    }
  }
}

TEST_CASE("push and pull queries, SHOW, DESCRIBE, DROP, TERMINATE and SET parse") {
  auto push = parse_statement("SELECT * FROM orders WHERE quantity >= 2 EMIT CHANGES LIMIT 5;");
  REQUIRE_OK(push);
  CHECK(push->select->emit_changes);
  CHECK(*push->select->limit == 5);
  CHECK(push->select->items[0].expr == nullptr);
  auto pull = parse_statement("SELECT * FROM fraud_order WHERE customerId = 7;");
  REQUIRE_OK(pull);
  CHECK_FALSE(pull->select->emit_changes);
  auto all = parse_statements(
      "SHOW STREAMS; show tables; LIST QUERIES; DESCRIBE orders; DROP TABLE IF EXISTS t;"
      " TERMINATE CSAS_X_1; SET 'auto.offset.reset' = 'earliest'");
  REQUIRE_OK(all);
  REQUIRE(all->size() == 7);
  CHECK((*all)[1].show == ShowWhat::kTables);
  CHECK((*all)[2].show == ShowWhat::kQueries);
  CHECK((*all)[3].kind == StatementKind::kDescribe);
  CHECK((*all)[4].if_exists);
  CHECK((*all)[5].name == "CSAS_X_1");
  CHECK((*all)[6].set_value == "earliest");
}

TEST_CASE("expressions respect precedence and parse IS NULL, LIKE and NOT") {
  auto st = parse_statement(
      "SELECT a + b * 2 AS x FROM s WHERE NOT a IS NULL OR b NOT LIKE 'x%' AND c <> -1 EMIT CHANGES;");
  REQUIRE_OK(st);
  const Expr& x = *st->select->items[0].expr;
  CHECK(x.op == "+");
  CHECK(x.args[1]->op == "*");
  const Expr& w = *st->select->where;
  CHECK(w.op == "OR");
  CHECK(w.args[0]->op == "NOT");
  CHECK(w.args[0]->args[0]->kind == ExprKind::kIsNull);
  CHECK(w.args[1]->op == "AND");
  CHECK(w.args[1]->args[0]->kind == ExprKind::kLike);
  CHECK(w.args[1]->args[0]->negated);
  CHECK(w.args[1]->args[1]->op == "!=");
}

TEST_CASE("string literals unescape doubled quotes and comments are skipped") {
  auto st = parse_statement("-- a comment\nSELECT * FROM s WHERE name = 'O''Brien' EMIT CHANGES;");
  REQUIRE_OK(st);
  CHECK(st->select->where->args[1]->literal.as_string() == "O'Brien");
  CHECK(st->pos.line == 2);
}

TEST_CASE("parse errors say what was expected and where") {
  CHECK(error_of("CREATE FOO x;") == "line 1, column 8: expected STREAM or TABLE but found 'FOO'");
  CHECK(error_of("SELECT * FROM;") == "line 1, column 14: expected a stream or table name but found ';'");
  CHECK(error_of("SELECT a,\n  FROM s;") == "line 2, column 3: expected an expression but found 'FROM'");
  CHECK(error_of("SELECT * FROM s WHERE x = 'abc") == "line 1, column 27: unterminated string literal");
  CHECK(error_of("SELECT * FROM s WHERE x # 1;") == "line 1, column 25: unexpected character '#'");
  CHECK(error_of("CREATE STREAM s (a FLOAT) WITH (KAFKA_TOPIC='t');") ==
        "line 1, column 20: expected a type (BIGINT, INT, DOUBLE, VARCHAR, BOOLEAN) but found 'FLOAT'");
  CHECK(error_of("CREATE STREAM s (a INT, A BIGINT) WITH (KAFKA_TOPIC='t');") ==
        "line 1, column 25: duplicate column 'A'");
  CHECK(error_of("CREATE STREAM s (a INT);") ==
        "line 1, column 24: expected WITH (KAFKA_TOPIC='...', VALUE_FORMAT='JSON') but found ';'");
  CHECK(error_of("SELECT k, COUNT(*) FROM s WINDOW HOPPING (SIZE 1 SECOND) GROUP BY k;") ==
        "line 1, column 34: expected TUMBLING (the only window type supported) but found 'HOPPING'");
  CHECK(error_of("SELECT k FROM s WINDOW TUMBLING (SIZE 5 FORTNIGHTS);") ==
        "line 1, column 41: expected a time unit (MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS) but found 'FORTNIGHTS'");
  CHECK(error_of("SELECT * FROM s EMIT CHANGES LIMIT 0;") ==
        "line 1, column 36: expected a positive LIMIT but found '0'");
  CHECK(error_of("SELECT * FROM s EMIT CHANGES x;") ==
        "line 1, column 30: expected ';' or end of input but found 'x'");
  CHECK(error_of("SELECT * FROM a FULL JOIN b ON a.x = b.y;") ==
        "line 1, column 17: expected JOIN or LEFT JOIN (only inner and left stream-table joins are supported) but found 'FULL'");
  CHECK(error_of("UPDATE s SET x = 1;") ==
        "line 1, column 1: expected CREATE, SELECT, SHOW, DESCRIBE, DROP, TERMINATE or SET but found 'UPDATE'");
  CHECK(error_of("SELECT * FROM s WHERE x = 99999999999999999999;") ==
        "line 1, column 27: integer 99999999999999999999 is out of range");
  CHECK(error_of("SELECT * FROM s WHERE x = 1e999;") == "line 1, column 27: number 1e999 is out of range");
  CHECK(parse_statement("SELECT * FROM s WHERE x = 1.5e300;").ok());
  CHECK(error_of("SHOW FUNCTIONS;") == "line 1, column 6: expected STREAMS, TABLES or QUERIES but found 'FUNCTIONS'");
  CHECK(error_of("DROP STREAM;") == "line 1, column 12: expected a stream or table name but found ';'");
  CHECK(parse_statement("").status().message() == "no statement given");
  CHECK(parse_statement("SHOW STREAMS; SHOW TABLES;").status().message() ==
        "line 1, column 15: expected one statement but found 2");
}

}  // TEST_SUITE
