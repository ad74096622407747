#include "services/order_waiters.h"

#include <algorithm>

namespace orderstream::services {

bool is_final(OrderState s) { return s == OrderState::kValidated || s == OrderState::kFailed; }

OrderWaiters::Handle OrderWaiters::add(const std::string& id, bool final_only,
                                       std::function<void(const Order&)> on_order) {
  auto w = std::make_shared<Waiter>();
  w->id = id;
  w->final_only = final_only;
  w->on_order = std::move(on_order);
  std::lock_guard lock(mu_);
  by_id_[id].push_back(w);
  return w;
}

bool OrderWaiters::fire(const Handle& w, const Order& order) {
  if (w->fired.exchange(true)) return false;
  w->on_order(order);
  return true;
}

bool OrderWaiters::cancel(const Handle& w) {
  bool claimed = !w->fired.exchange(true);
  remove(w);
  return claimed;
}

void OrderWaiters::resolve(const Handle& w, const Order& order) {
  remove(w);
  fire(w, order);
}

void OrderWaiters::remove(const Handle& w) {
  std::lock_guard lock(mu_);
  auto it = by_id_.find(w->id);
  if (it == by_id_.end()) return;
  std::erase(it->second, w);
  if (it->second.empty()) by_id_.erase(it);
}

void OrderWaiters::complete(const Order& order) {
  std::vector<Handle> ready;
  {
    std::lock_guard lock(mu_);
    auto it = by_id_.find(order.id);
    if (it == by_id_.end()) return;
    auto& list = it->second;
    auto split = std::partition(list.begin(), list.end(), [&](const Handle& w) {
      return w->final_only && !is_final(order.state);
    });
    ready.assign(split, list.end());
    list.erase(split, list.end());
    if (list.empty()) by_id_.erase(it);
  }
  for (const Handle& w : ready) fire(w, order);
}

size_t OrderWaiters::size() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [id, list] : by_id_) n += list.size();
  return n;
}

}  // namespace orderstream::services
