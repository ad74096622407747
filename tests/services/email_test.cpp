#include "services/email.h"

#include <doctest/doctest.h>

#include <simdjson.h>

#include <algorithm>

#include "services/emails_view.h"
#include "services/pipeline_fixture.h"

using namespace orderstream;
using namespace orderstream::services;
using test::Pipeline;

namespace {

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kT0 = 1'700'000'000'000;

struct Emails {
  Pipeline p;
  explicit Emails(int32_t partitions = 1) : p(partitions) {
    p.stock(Product::kJumpers, 1000, kT0 - kMinute);
    for (int64_t id : {1, 2, 3, 4}) {
      const char* levels[] = {"", "platinum", "gold", "silver", "bronze"};
      customer(Customer{id, "First" + std::to_string(id), "Last", "c" + std::to_string(id) + "@example.com",
                        "Street " + std::to_string(id), levels[id]},
               kT0 - kMinute);
    }
  }
  void customer(const Customer& c, int64_t ts) {
    REQUIRE_OK(p.driver.pipe(topics::kCustomers, std::to_string(c.id), to_json(c), ts));
  }
  void order(const std::string& id, int64_t customer, int64_t ts) {
    p.order(id, customer, Product::kJumpers, 1, 10.0, ts);
  }
  void pay(const std::string& id, const std::string& order, int64_t ts, double amount = 10.0) {
    REQUIRE_OK(p.driver.pipe(topics::kPayments, id, to_json(Payment{id, order, "EUR", amount}), ts));
  }
  // "<order>/<payment>/<customer>" of every email sent, sorted.
  std::vector<std::string> sent() {
    auto all = p.driver.read_all(topics::kEmails);
    REQUIRE_OK(all);
    std::vector<std::string> out;
    simdjson::dom::parser parser;
    for (const auto& r : *all) {
      simdjson::padded_string json(*r.value);
      simdjson::dom::element e = parser.parse(json);
      std::string_view order = e["orderId"], payment = e["paymentId"];
      int64_t customer = e["customerId"];
      CHECK(r.key == std::optional<std::string>(std::to_string(customer)));
      out.push_back(std::string(order) + "/" + std::string(payment) + "/" + std::to_string(customer));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  // Order ids routed to `level`'s topic, sorted.
  std::vector<std::string> routed(const std::string& level) {
    auto all = p.driver.read_all(level);
    REQUIRE_OK(all);
    std::vector<std::string> out;
    for (const auto& r : *all) {
      auto e = order_enriched_from_json(*r.value);
      REQUIRE_OK(e);
      CHECK(e->customer_level == level);
      out.push_back(e->id);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

using V = std::vector<std::string>;

}  // namespace

TEST_SUITE("email") {
  TEST_CASE("a payment within a minute either side of its order sends one email") {
    Emails f;
    f.order("o1", 1, kT0);
    f.pay("p1", "o1", kT0 + kMinute);  // the window's edge
    f.pay("p2", "o2", kT0 + 10);       // a payment before its order
    f.order("o2", 2, kT0 + kMinute);
    CHECK(f.sent() == V{"o1/p1/1", "o2/p2/2"});
  }

  TEST_CASE("a payment outside the window sends nothing") {
    Emails f;
    f.order("o1", 1, kT0);
    f.pay("p1", "o1", kT0 + kMinute + 1);
    f.pay("p2", "o2", kT0 + kMinute + 2);
    f.order("o2", 1, kT0 + 2 * kMinute + 3);
    CHECK(f.sent().empty());
  }

  TEST_CASE("a late payment (behind stream time by more than window and grace) sends nothing") {
    Emails f;
    f.order("o1", 1, kT0);
    f.order("o9", 1, kT0 + 10 * kMinute);  // stream time moves on (same partition: 1 partition)
    f.pay("p1", "o1", kT0 + 30);
    CHECK(f.sent().empty());
  }

  TEST_CASE("one email per (order, payment) pair: not per order state record, not per redelivery") {
    Emails f;
    f.order("o1", 1, kT0);  // the pipeline then appends o1 VALIDATED: the same order
    f.pay("p1", "o1", kT0 + 1);
    f.pay("p1", "o1", kT0 + 2);  // the same payment posted twice
    f.pay("p2", "o1", kT0 + 3);  // a second payment: a second pair
    CHECK(f.p.final_state("o1") == OrderState::kValidated);
    CHECK(f.sent() == V{"o1/p1/1", "o1/p2/1"});
  }

  TEST_CASE("an order of an unknown customer sends no email and is not routed") {
    Emails f;
    f.order("o1", 99, kT0);
    f.pay("p1", "o1", kT0 + 1);
    CHECK(f.sent().empty());
    for (std::string_view level : kCustomerLevels) CHECK(f.routed(std::string(level)).empty());
  }

  TEST_CASE("orders are routed once each to the topic of their customer's level") {
    Emails f(4);
    for (int i = 0; i < 40; ++i) f.order("o" + std::to_string(i), 1 + i % 4, kT0 + i);
    V want[4];
    for (int i = 0; i < 40; ++i) want[i % 4].push_back("o" + std::to_string(i));
    for (auto& w : want) std::sort(w.begin(), w.end());
    CHECK(f.routed("platinum") == want[0]);
    CHECK(f.routed("gold") == want[1]);
    CHECK(f.routed("silver") == want[2]);
    CHECK(f.routed("bronze") == want[3]);
  }

  TEST_CASE("one email per pair across restarts and partitions, and the view indexes them by customer") {
    Emails f(4);
    for (int i = 0; i < 30; ++i) {
      std::string id = std::to_string(i);
      REQUIRE_OK(f.p.driver.pipe(topics::kOrders, "o" + id,
                                 to_json(Order{"o" + id, 1 + i % 2, OrderState::kCreated, Product::kJumpers, 1, 10.0}),
                                 kT0 + i, /*defer=*/true));
      REQUIRE_OK(f.p.driver.pipe(topics::kPayments, "p" + id, to_json(Payment{"p" + id, "o" + id, "EUR", 10.0}),
                                 kT0 + i + 1, /*defer=*/true));
      if (i % 10 == 5) REQUIRE_OK(f.p.driver.reopen());
    }
    REQUIRE_OK(f.p.driver.advance());
    REQUIRE_OK(f.p.driver.reopen());
    REQUIRE_OK(f.p.driver.advance());
    V want;
    for (int i = 0; i < 30; ++i)
      want.push_back("o" + std::to_string(i) + "/p" + std::to_string(i) + "/" + std::to_string(1 + i % 2));
    std::sort(want.begin(), want.end());
    CHECK(f.sent() == want);
    // The view: customer 1's 15 emails, in its task's store.
    auto view = f.p.driver.log().read_view();
    REQUIRE_OK(view);
    PartitionId part = log::partition_for_key("1", 4);
    int n = 0;
    std::string prefix = emails_view_prefix(1);
    REQUIRE_OK(view->scan_store(stream::scoped_store_name(kEmailsViewSubTopology, part, kEmailsViewStore),
                                prefix, [&](std::string_view k, std::string_view) {
                                  if (k.substr(0, prefix.size()) != prefix) return false;
                                  ++n;
                                  return true;
                                }));
    CHECK(n == 15);
  }

  TEST_CASE("the email names the customer, order and payment") {
    Customer c{7, "Ada", "Lovelace", "ada@example.com", "here", "gold"};
    Order o{"o7", 7, OrderState::kCreated, Product::kStockings, 2, 3.5};
    Email e = render_email(c, o, Payment{"p7", "o7", "GBP", 7.0});
    CHECK(e.to == "ada@example.com");
    CHECK(e.customer_id == 7);
    CHECK(e.subject.find("o7") != std::string::npos);
    for (const char* part : {"Ada Lovelace", "2 x STOCKINGS", "3.50", "p7", "7.00 GBP", "gold"})
      CHECK_MESSAGE(e.body.find(part) != std::string::npos, part);
  }
}
