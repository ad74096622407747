// The email service and level routing through the real binary: `load --demo-customers
// --payments` posts customers, orders and payments; every order gets exactly one email, readable
// over GET /v1/emails and with `orderstream consume emails`, and is routed to its level's topic.
#include <simdjson.h>

#include <map>
#include <set>

#include "e2e/cli_run.h"
#include "e2e/server_fixture.h"
#include "support/wait.h"

using namespace orderstream::test;

namespace {

// Order ids of the emails of `customer` (CHECKs each email's fields).
std::vector<std::string> emails_of(ServerFixture& s, int customer) {
  HttpResult r = s.get("/v1/emails?customerId=" + std::to_string(customer));
  REQUIRE(r.status == 200);
  simdjson::dom::parser parser;
  simdjson::padded_string json(r.body);
  simdjson::dom::array arr = parser.parse(json).get_array();
  std::vector<std::string> out;
  for (simdjson::dom::element e : arr) {
    std::string_view order = e["orderId"], payment = e["paymentId"], to = e["to"];
    CHECK(int64_t(e["customerId"]) == customer);
    CHECK(payment == std::string(order) + "-pay");
    CHECK(to.find("@example.com") != std::string_view::npos);
    out.emplace_back(order);
  }
  return out;
}

}  // namespace

TEST_SUITE("e2e email") {
  TEST_CASE("every paid order of a known customer gets one email and is routed by level") {
    ServerFixture s;
    s.start(4);
    std::string url = "http://127.0.0.1:" + std::to_string(s.port);
    CliRun load = run_cli(s.dir.str(), {"load", "--url", url, "--orders", "60", "--concurrency", "4", "--stock",
                           "1000", "--demo-customers", "--payments", "--seed", "7"});
    REQUIRE_MESSAGE(load.code == 0, load.err);
    CHECK(load.out.find("payments: 201=60") != std::string::npos);
    // Emails follow the payments asynchronously: wait until all 60 are there.
    std::map<int, std::vector<std::string>> by_customer;
    size_t total = 0;
    bool all = wait_until([&] {
      total = 0;
      for (int c = 1; c <= 9; ++c) total += (by_customer[c] = emails_of(s, c)).size();
      return total >= 60;
    }, std::chrono::seconds(60));
    CHECK_MESSAGE(all, "emails: " << total);
    std::set<std::string> orders;
    for (auto& [c, ids] : by_customer) orders.insert(ids.begin(), ids.end());
    CHECK(orders.size() == 60);  // one email per order, none twice
    CHECK(total == 60);

    // The same emails through the CLI, beside the running server.
    CliRun consumed = run_cli(s.dir.str(), {"consume", "emails", "-e", "--data-dir", s.data_dir(), "--format", "%s\\n"});
    CHECK_MESSAGE(consumed.code == 0, consumed.err);
    size_t lines = 0;
    for (char ch : consumed.out) lines += ch == '\n';
    CHECK(lines == 60);

    // Routing: customers 1-3 are platinum, so their orders are exactly the platinum topic's.
    std::set<std::string> platinum_orders;
    for (int c = 1; c <= 3; ++c) platinum_orders.insert(by_customer[c].begin(), by_customer[c].end());
    std::set<std::string> routed;
    wait_until([&] {
      CliRun p = run_cli(s.dir.str(), {"consume", "platinum", "-e", "--data-dir", s.data_dir(), "--format", "%k\\n"});
      routed.clear();
      size_t start = 0;
      for (size_t nl; (nl = p.out.find('\n', start)) != std::string::npos; start = nl + 1)
        routed.insert(p.out.substr(start, nl - start));
      return routed.size() >= platinum_orders.size();
    }, std::chrono::seconds(30));
    CHECK(routed == platinum_orders);

    CHECK(s.get("/v1/emails").status == 400);
    CHECK(s.get("/v1/emails?customerId=abc").status == 400);
    CHECK(s.get("/v1/emails?customerId=12345").body == "[]");
  }
}
