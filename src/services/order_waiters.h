// OrderWaiters: parked GET requests waiting for an order to appear or to reach a final state.
// Any number of waiters per id. Thread-safe: the HTTP thread registers and cancels; the
// orders-view task completes them after its commit. A waiter fires at most once: either
// complete (the order) or cancel (timeout) wins, never both.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/model.h"

namespace orderstream::services {

class OrderWaiters {
 public:
  struct Waiter {
    std::string id;
    bool final_only = false;  // wait for VALIDATED/FAILED, not just any state
    std::function<void(const Order&)> on_order;
    std::atomic<bool> fired{false};
  };
  using Handle = std::shared_ptr<Waiter>;

  // Registers a waiter. The caller must check the current state AFTER this, so an update
  // between its first look and the registration cannot be missed.
  Handle add(const std::string& id, bool final_only, std::function<void(const Order&)> on_order);
  // Fires `w` with `order` if it has not fired; true if this call fired it.
  static bool fire(const Handle& w, const Order& order);
  // Claims `w` for a timeout and forgets it; false if it already fired.
  bool cancel(const Handle& w);
  // Fires `w` with `order` (if nothing fired it yet) and forgets it.
  void resolve(const Handle& w, const Order& order);
  // Completes every waiter of order.id satisfied by `order`.
  void complete(const Order& order);
  size_t size() const;

 private:
  void remove(const Handle& w);
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::vector<Handle>> by_id_;  // GUARDED_BY(mu_)
};

bool is_final(OrderState s);

}  // namespace orderstream::services
