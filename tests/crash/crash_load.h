// The load of the crash and power-loss loops: order posters (customers, products, quantities
// and prices spread so that fraud and inventory both pass and fail) and one stock updater, and
// the ledger of what their POSTs were told. Header-only, for the crash suite's files.
#pragma once

#include <algorithm>
#include <atomic>
#include <iterator>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "e2e/server_fixture.h"

namespace orderstream::test {

inline constexpr const char* kProducts[] = {"JUMPERS", "UNDERPANTS", "STOCKINGS"};

// What the clients learnt of their POSTs. Thread-safe.
struct Ledger {
  std::mutex mu;
  std::set<std::string> acked;    // 201
  std::set<std::string> unknown;  // no answer, or 503: may or may not be stored
  std::vector<std::string> errors;
  int64_t acked_in_round = 0;

  void record(const std::string& id, const HttpResult& r) {
    std::lock_guard lock(mu);
    if (r.status == 201) {
      acked.insert(id);
      ++acked_in_round;
    } else if (r.status == 0 || r.status == 503) {
      unknown.insert(id);
    } else {
      errors.push_back(id + ": HTTP " + std::to_string(r.status) + " " + r.body);
    }
  }
  int64_t round_acks() {
    std::lock_guard lock(mu);
    return acked_in_round;
  }
};

// Load until `stop` or the server goes away: order posters (customers, products, quantities
// and prices spread so that fraud and inventory both pass and fail), one stock updater and one
// poster of customers and payments.
class Load {
 public:
  Load(uint16_t port, Ledger& ledger, uint64_t seed, int round) {
    for (int t = 0; t < 4; ++t)
      threads_.emplace_back([this, port, &ledger, seed, round, t] {
        std::mt19937_64 rng(seed * 131 + static_cast<uint64_t>(round * 8 + t));
        HttpConnection c(port, 30000);
        for (int n = 0; !stop_; ++n) {
          std::string id = "r" + std::to_string(round) + "-t" + std::to_string(t) + "-" + std::to_string(n);
          static constexpr double kPrices[] = {1.0, 10.0, 150.0, 600.0};
          std::string body = order_json(id, 1 + static_cast<int64_t>(rng() % 30), kProducts[rng() % 3],
                                        1 + static_cast<int>(rng() % 5), kPrices[rng() % 4]);
          HttpResult r = c.request(bhttp::verb::post, "/v1/orders", body);
          ledger.record(id, r);
          if (r.status == 0) return;  // the server is gone
        }
      });
    threads_.emplace_back([this, port, seed, round] {
      std::mt19937_64 rng(seed * 977 + static_cast<uint64_t>(round));
      HttpConnection c(port, 30000);
      while (!stop_) {
        std::string target = std::string("/v1/inventory/") + kProducts[rng() % 3];
        HttpResult r = c.request(bhttp::verb::put, target, "{\"stock\":" + std::to_string(rng() % 300) + "}");
        if (r.status == 0) return;
      }
    });
    // Customers (the global table the emailer joins) and payments for the orders posted so far.
    threads_.emplace_back([this, port, &ledger, seed, round] {
      std::mt19937_64 rng(seed * 389 + static_cast<uint64_t>(round));
      HttpConnection c(port, 30000);
      for (int n = 0; !stop_; ++n) {
        std::string id = std::to_string(1 + rng() % 30);
        HttpResult r = c.request(bhttp::verb::post, "/v1/customers",
                                 "{\"id\":" + id + ",\"firstName\":\"F\",\"lastName\":\"L\",\"email\":\"c" + id +
                                     "@example.com\",\"address\":\"A\",\"level\":\"" +
                                     (rng() % 3 == 0 ? "platinum" : "gold") + "\"}");
        if (r.status == 0) return;
        std::string order;
        {
          std::lock_guard lock(ledger.mu);
          if (!ledger.acked.empty())  // near the end only: std::next walks the set
            order = *std::next(ledger.acked.rbegin(), static_cast<long>(rng() % std::min<size_t>(ledger.acked.size(), 32)));
        }
        if (order.empty()) continue;
        r = c.request(bhttp::verb::post, "/v1/payments",
                      "{\"id\":\"p" + std::to_string(round) + "-" + std::to_string(n) + "\",\"orderId\":\"" + order +
                          "\",\"ccy\":\"EUR\",\"amount\":10.0}");
        if (r.status == 0) return;
      }
    });
  }
  ~Load() {
    stop_ = true;
    for (auto& t : threads_) t.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

}  // namespace orderstream::test
