// `orderstream load` as a newcomer runs it, against the real binary: --stock makes units available
// to each run (a second, smaller run still validates), a run whose every order FAILED exits 1 and
// names the check, unknown products are refused before anything is sent, POST and GET status
// codes are reported apart, and existing customers are kept.
#include <fstream>

#include "e2e/cli_run.h"
#include "e2e/server_fixture.h"
#include "support/wait.h"

using namespace orderstream::test;

namespace {

struct LoadFixture : ServerFixture {
  LoadFixture() { start(2); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }

  CliRun load(std::vector<std::string> args) {
    args.insert(args.begin(), {"load", "--url", url(), "--concurrency", "4"});
    return run_cli(dir.str(), args);
  }

  // The keys of every record of `topic`, one per line, read beside the server.
  std::string keys_of(const std::string& topic) {
    CliRun r = run_cli(dir.str(), {"consume", topic, "-e", "--data-dir", data_dir(), "--format", "%k\\n"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    return r.out;
  }

  // Waits until GET /v1/customers/{id} answers `body`.
  bool customer_is(int id, const std::string& body) {
    return wait_until([&] { return get("/v1/customers/" + std::to_string(id)).body == body; },
                      std::chrono::seconds(30));
  }
};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string customer_json(int id, const std::string& first, const std::string& level) {
  return "{\"id\":" + std::to_string(id) + ",\"firstName\":\"" + first +
         "\",\"lastName\":\"Mine\",\"email\":\"" + first + "@example.org\",\"address\":\"1 Own Road\",\"level\":\"" +
         level + "\"}";
}

}  // namespace

TEST_SUITE("e2e load") {
  TEST_CASE("a second load with a smaller --stock than the first reserved still validates every order") {
    LoadFixture s;
    CliRun first = s.load({"--orders", "50", "--stock", "100", "--products", "JUMPERS", "--seed", "1"});
    REQUIRE_MESSAGE(first.code == 0, first.err);
    CHECK(has(first.err, "stock: JUMPERS 100 available (stock 100, 0 reserved)"));
    CHECK(has(first.out, "final states: VALIDATED=50"));
    // Every order that passed keeps its reservation.
    REQUIRE(wait_until([&] { return s.get("/v1/inventory/JUMPERS").body == "{\"product\":\"JUMPERS\",\"stock\":100,\"reserved\":50}"; },
                       std::chrono::seconds(30)));

    CliRun second = s.load({"--orders", "30", "--stock", "30", "--products", "JUMPERS", "--seed", "2"});
    REQUIRE_MESSAGE(second.code == 0, second.err);
    CHECK(has(second.err, "stock: JUMPERS 30 available (stock 80, 50 reserved)"));
    CHECK(has(second.out, "final states: VALIDATED=30\n"));
    CHECK(!has(second.out, "failed:"));
    // The POSTs' 201s and the waits' 200s, each on its own line.
    CHECK(has(second.out, "POST /v1/orders: 201=30\n"));
    CHECK(has(second.out, "GET /validated: 200=30\n"));
    CHECK(has(second.out, "p99"));
  }

  TEST_CASE("FAILED orders among VALIDATED ones exit 0, every order FAILED exits 1, each naming the check") {
    LoadFixture s;
    // 10 units for 20 orders of one: exactly 10 pass.
    CliRun mixed = s.load({"--orders", "20", "--stock", "10", "--products", "JUMPERS", "--seed", "3"});
    CHECK_MESSAGE(mixed.code == 0, mixed.err);
    CHECK(has(mixed.out, "final states: FAILED=10 VALIDATED=10\n"));
    CHECK(has(mixed.out, "failed: 10 (INVENTORY_CHECK FAIL 10)\n"));
    CHECK(has(mixed.out, "hint: INVENTORY_CHECK FAIL: not enough stock"));

    // Nothing left: --stock 0 makes no unit available (stock = the 10 reserved).
    CliRun none = s.load({"--orders", "20", "--stock", "0", "--seed", "4"});
    CHECK(none.code == 1);
    CHECK(has(none.err, "stock: JUMPERS 0 available (stock 10, 10 reserved)"));
    CHECK(has(none.out, "final states: FAILED=20\n"));
    CHECK(has(none.out, "failed: 20 (INVENTORY_CHECK FAIL 20)\n"));
    CHECK(has(none.out, "hint: INVENTORY_CHECK FAIL"));
    CHECK(has(none.out, "POST /v1/orders: 201=20\n"));
    CHECK(has(none.err, "every order FAILED (INVENTORY_CHECK FAIL 20)"));
  }

  TEST_CASE("an unknown product is refused with exit 2 before anything is sent") {
    LoadFixture s;
    CliRun r = s.load({"--orders", "10", "--products", "JUMPERS,FOO", "--stock", "5", "--demo-customers"});
    CHECK(r.code == 2);
    CHECK(has(r.err, "unknown product 'FOO' (known: JUMPERS, UNDERPANTS, STOCKINGS)"));
    CHECK(r.out.empty());
    CHECK(s.keys_of("orders").empty());
    CHECK(s.keys_of("customers").empty());
    CHECK(s.keys_of("warehouse-inventory").empty());
  }

  TEST_CASE("--demo-customers and --customers-file keep the customers the server has") {
    LoadFixture s;
    const std::string mine = customer_json(1, "Own", "gold");
    REQUIRE(s.post("/v1/customers", mine).status == 201);
    REQUIRE(s.customer_is(1, mine));

    CliRun demo = s.load({"--orders", "5", "--stock", "5", "--demo-customers", "--seed", "5"});
    REQUIRE_MESSAGE(demo.code == 0, demo.err);
    CHECK(has(demo.err, "customers: 9 demo customers (1 existed and was kept"));
    CHECK(s.get("/v1/customers/1").body == mine);
    std::string keys = s.keys_of("customers");
    CHECK(std::count(keys.begin(), keys.end(), '\n') == 9);  // customer 1 once: not re-posted
    REQUIRE(wait_until([&] { return s.get("/v1/customers/9").status == 200; }, std::chrono::seconds(30)));

    const std::string file = s.dir.file("customers.jsonl");
    const std::string other = customer_json(2, "Other", "silver"), new_one = customer_json(10, "New", "bronze");
    std::ofstream(file) << "# mine\n" << mine << "\n" << other << "\n" << new_one << "\n";
    CliRun kept = s.load({"--orders", "5", "--stock", "5", "--customers-file", file, "--seed", "6"});
    REQUIRE_MESSAGE(kept.code == 0, kept.err);
    CHECK(has(kept.err, "customers: 3 customers from " + file + " (2 existed and were kept"));
    CHECK(s.customer_is(10, new_one));
    CHECK(s.get("/v1/customers/2").body != other);

    CliRun replaced = s.load({"--orders", "5", "--stock", "5", "--customers-file", file, "--overwrite-customers",
                              "--seed", "7"});
    REQUIRE_MESSAGE(replaced.code == 0, replaced.err);
    CHECK(has(replaced.err, "customers: 3 customers from " + file + "\n"));
    CHECK(s.customer_is(2, other));
  }
}
