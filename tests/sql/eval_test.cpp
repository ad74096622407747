#include "sql/eval.h"

#include <doctest/doctest.h>

#include "sql/binder.h"
#include "sql/parser.h"
#include "sql/row_codec.h"
#include "support/check_ok.h"

using namespace orderstream;
using namespace orderstream::sql;

namespace {

// A stream of orders-like rows: id (key), customerId, state, price, quantity, vip.
struct Fixture {
  std::vector<ColumnDef> columns{{"id", SqlType::kVarchar, true, {}},
                                 {"customerId", SqlType::kBigint, false, {}},
                                 {"state", SqlType::kVarchar, false, {}},
                                 {"price", SqlType::kDouble, false, {}},
                                 {"quantity", SqlType::kInt, false, {}},
                                 {"vip", SqlType::kBoolean, false, {}}};
  Scope scope;
  std::vector<Value> row;
  Fixture() {
    scope.add_source("orders", "o", columns);
    row.resize(scope.width());
  }
  Status load(std::string_view json, std::string_view key = "o1", int64_t ts = 1000) {
    return decode_row(columns, key, json, ts, &row, 0);
  }
  // Evaluates the WHERE expression of "SELECT * FROM orders o WHERE <text>".
  Result<Value> where(const std::string& text) {
    OS_ASSIGN_OR_RETURN(Statement st, parse_statement("SELECT * FROM orders o WHERE " + text + " EMIT CHANGES;"));
    OS_RETURN_IF_ERROR(bind_expr(st.select->where, scope));
    return eval(*st.select->where, EvalInput{row});
  }
  std::string json_of(const std::string& text) {
    auto v = where(text);
    return v.ok() ? v->to_json() : "error: " + v.status().message();
  }
};

}  // namespace

TEST_SUITE("sql") {

TEST_CASE("JSON rows decode into typed columns with the key from the record key") {
  Fixture f;
  REQUIRE_OK(f.load(R"({"CUSTOMERID":7,"state":"CREATED","price":2,"quantity":3,"extra":[1]})"));
  CHECK(f.row[0] == Value::string("o1"));
  CHECK(f.row[1] == Value::integer(7));
  CHECK(f.row[3] == Value::real(2.0));
  CHECK(f.row[4] == Value::integer(3));
  CHECK(f.row[5].is_null());                 // missing field
  CHECK(f.row[6] == Value::integer(1000));  // ROWTIME
  SUBCASE("wrong types are NULL, numbers read as VARCHAR keep their text") {
    REQUIRE_OK(f.load(R"({"customerId":"seven","state":12,"quantity":3000000000,"vip":"yes"})"));
    CHECK(f.row[1].is_null());
    CHECK(f.row[2] == Value::string("12"));
    CHECK(f.row[4].is_null());  // out of INT range
    CHECK(f.row[5].is_null());
  }
  SUBCASE("malformed JSON is an error") {
    Status st = f.load(R"({"customerId":)");
    CHECK(st.code() == StatusCode::kInvalidArgument);
    CHECK(st.message().find("malformed JSON") == 0);
  }
  SUBCASE("a scalar value fills the single value column") {
    std::vector<ColumnDef> inv{{"product", SqlType::kVarchar, true, {}}, {"stock", SqlType::kBigint, false, {}}};
    std::vector<Value> row(3);
    REQUIRE_OK(decode_row(inv, "JUMPERS", "10", 5, &row, 0));
    CHECK(row[0] == Value::string("JUMPERS"));
    CHECK(row[1] == Value::integer(10));
  }
}

TEST_CASE("expressions evaluate with SQL NULL semantics") {
  Fixture f;
  REQUIRE_OK(f.load(R"({"customerId":7,"state":"CREATED","price":2.5,"quantity":4,"vip":null})"));
  CHECK(f.json_of("price * quantity") == "10.0");
  CHECK(f.json_of("quantity / 3") == "1");
  CHECK(f.json_of("quantity / 0") == "null");
  CHECK(f.json_of("customerId + 1 = 8") == "true");
  CHECK(f.json_of("customerId <> 7") == "false");
  CHECK(f.json_of("o.state = 'CREATED' AND price >= 2.5") == "true");
  CHECK(f.json_of("vip = true") == "null");
  CHECK(f.json_of("vip = true AND false") == "false");
  CHECK(f.json_of("vip = true OR true") == "true");
  CHECK(f.json_of("NOT (vip = true)") == "null");
  CHECK(f.json_of("vip IS NULL") == "true");
  CHECK(f.json_of("state IS NOT NULL") == "true");
  CHECK(f.json_of("state LIKE 'CR%'") == "true");
  CHECK(f.json_of("state LIKE 'C_EATED'") == "true");
  CHECK(f.json_of("state NOT LIKE '%ED'") == "false");
  CHECK(f.json_of("-quantity < 0") == "true");
  CHECK(f.json_of("state + '!' = 'CREATED!'") == "true");
  CHECK(f.json_of("ROWTIME = 1000") == "true");
  CHECK(f.json_of("NULL IS NULL") == "true");
}

TEST_CASE("binding rejects unknown columns and type errors with their position") {
  Fixture f;
  CHECK(f.json_of("nope = 1") == "error: line 1, column 30: unknown column 'nope'");
  CHECK(f.json_of("x.state = 'a'") == "error: line 1, column 30: unknown source or alias 'x'");
  CHECK(f.json_of("state = 1") == "error: line 1, column 36: cannot compare VARCHAR with BIGINT");
  CHECK(f.json_of("state AND true") == "error: line 1, column 30: AND needs BOOLEAN operands, not VARCHAR");
  CHECK(f.json_of("price LIKE 'a'") == "error: line 1, column 30: LIKE needs VARCHAR operands, not DOUBLE");
  CHECK(f.json_of("COUNT(*) > 1") ==
        "error: line 1, column 30: COUNT is only allowed in the SELECT list or HAVING of a GROUP BY query");
  CHECK(f.json_of("LOWER(state) = 'a'") == "error: line 1, column 30: unknown function LOWER (supported: COUNT, SUM)");
}

TEST_CASE("LIKE matches wildcards and rows encode as JSON objects") {
  CHECK(like("", "%"));
  CHECK(like("abc", "a%c"));
  CHECK(like("abbbc", "a%b%c"));
  CHECK_FALSE(like("abc", "a_"));
  CHECK_FALSE(like("abc", "%d%"));
  CHECK(encode_row({"a", "b\"", "c", "d"}, {Value::integer(1), Value::string("x\ny"), Value(), Value::real(3)}) ==
        R"({"a":1,"b\"":"x\ny","c":null,"d":3.0})");
}

}  // TEST_SUITE
