#include "services/order_waiters.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace orderstream;
using namespace orderstream::services;

namespace {

Order order(const std::string& id, OrderState s) { return Order{id, 1, s, Product::kJumpers, 1, 1.0}; }

}  // namespace

TEST_SUITE("order waiters") {
  TEST_CASE("many waiters on one id all complete, once") {
    OrderWaiters w;
    std::atomic<int> fired{0};
    for (int i = 0; i < 100; ++i) w.add("o", false, [&](const Order&) { ++fired; });
    w.add("other", false, [&](const Order&) { fired += 1000; });
    CHECK(w.size() == 101);
    w.complete(order("o", OrderState::kCreated));
    CHECK(fired == 100);
    w.complete(order("o", OrderState::kValidated));
    CHECK(fired == 100);
    CHECK(w.size() == 1);
  }

  TEST_CASE("final-only waiters ignore CREATED and complete on VALIDATED or FAILED") {
    OrderWaiters w;
    std::vector<OrderState> got;
    w.add("o", true, [&](const Order& o) { got.push_back(o.state); });
    w.add("f", true, [&](const Order& o) { got.push_back(o.state); });
    w.complete(order("o", OrderState::kCreated));
    w.complete(order("o", OrderState::kShipped));
    CHECK(got.empty());
    CHECK(w.size() == 2);
    w.complete(order("o", OrderState::kValidated));
    w.complete(order("f", OrderState::kFailed));
    CHECK(got == std::vector<OrderState>{OrderState::kValidated, OrderState::kFailed});
    CHECK(w.size() == 0);
  }

  TEST_CASE("cancel claims a waiter that has not fired, and a cancelled waiter never fires") {
    OrderWaiters w;
    int fired = 0;
    auto h = w.add("o", false, [&](const Order&) { ++fired; });
    CHECK(w.cancel(h));
    CHECK_FALSE(w.cancel(h));
    w.complete(order("o", OrderState::kCreated));
    CHECK(fired == 0);
    CHECK(w.size() == 0);
    auto h2 = w.add("o", false, [&](const Order&) { ++fired; });
    w.complete(order("o", OrderState::kCreated));
    CHECK(fired == 1);
    CHECK_FALSE(w.cancel(h2));  // too late: it fired
    w.resolve(h2, order("o", OrderState::kCreated));
    CHECK(fired == 1);
  }

  TEST_CASE("cancel racing complete fires exactly once") {
    for (int iter = 0; iter < 2000; ++iter) {
      OrderWaiters w;
      std::atomic<int> fired{0};
      auto h = w.add("o", false, [&](const Order&) { fired.fetch_add(1); });
      std::atomic<bool> go{false};
      bool cancelled = false;
      std::thread t1([&] {
        while (!go.load()) {}
        w.complete(order("o", OrderState::kCreated));
      });
      std::thread t2([&] {
        while (!go.load()) {}
        cancelled = w.cancel(h);
      });
      go = true;
      t1.join();
      t2.join();
      CAPTURE(iter);
      REQUIRE(fired.load() + (cancelled ? 1 : 0) == 1);
      REQUIRE(w.size() == 0);
    }
  }

  TEST_CASE("a waiter registered just before the update never misses it") {
    // The protocol of OrdersService::wait_order: register, then look at the current state
    // (published before complete() runs, as the view's commit precedes its after-commit hook).
    for (int iter = 0; iter < 2000; ++iter) {
      OrderWaiters w;
      std::atomic<bool> published{false};
      std::atomic<int> fired{0};
      std::atomic<bool> go{false};
      std::thread updater([&] {
        while (!go.load()) {}
        published.store(true);
        w.complete(order("o", OrderState::kValidated));
      });
      std::thread client([&] {
        while (!go.load()) {}
        auto h = w.add("o", true, [&](const Order&) { fired.fetch_add(1); });
        if (published.load()) w.resolve(h, order("o", OrderState::kValidated));
      });
      go = true;
      updater.join();
      client.join();
      CAPTURE(iter);
      REQUIRE(fired.load() == 1);
      REQUIRE(w.size() == 0);
    }
  }

  TEST_CASE("is_final names the decisions") {
    CHECK(is_final(OrderState::kValidated));
    CHECK(is_final(OrderState::kFailed));
    CHECK_FALSE(is_final(OrderState::kCreated));
    CHECK_FALSE(is_final(OrderState::kShipped));
  }
}
