// Pipeline: the whole order ecosystem on a stream::TestDriver (virtual clock, N partitions), with
// verbs to feed it (stock, order) and to read what it decided (results per check, final states,
// reserved stock, the orders view). One per test; owns its temp dir.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "log/partitioner.h"
#include "services/ecosystem.h"
#include "services/inventory.h"
#include "services/json_codec.h"
#include "services/orders_view.h"
#include "services/topics.h"
#include "stream/test_driver.h"
#include "support/check_ok.h"
#include "support/temp_dir.h"

namespace orderstream::test {

struct Pipeline {
  TempDir dir{"os-svc"};
  int32_t partitions;
  stream::Topology topology;
  stream::TestDriver driver;

  explicit Pipeline(int32_t n, services::EcosystemOptions options = {},
                    services::OrderWaiters* waiters = nullptr)
      : partitions(n),
        topology(services::make_ecosystem_topology(options, waiters)),
        driver(dir.file("data"), topology, n) {}

  void stock(services::Product p, int64_t n, int64_t ts) {
    REQUIRE_OK(driver.pipe(services::topics::kWarehouseInventory,
                           std::string(services::to_string(p)), services::stock_to_log_json(n), ts));
  }
  void pipe_order(const services::Order& o, int64_t ts) {
    REQUIRE_OK(driver.pipe(services::topics::kOrders, o.id, services::to_json(o), ts));
  }
  services::Order order(const std::string& id, int64_t customer,
                        std::optional<services::Product> p, int32_t qty, double price, int64_t ts,
                        services::OrderState state = services::OrderState::kCreated) {
    services::Order o{id, customer, state, p, qty, price};
    pipe_order(o, ts);
    return o;
  }

  // Every validation emitted, in log order per partition.
  std::vector<services::OrderValidation> validations() {
    std::vector<services::OrderValidation> out;
    auto all = driver.read_all(services::topics::kOrderValidations);
    REQUIRE_OK(all);
    for (const auto& r : *all) {
      auto v = services::order_validation_from_json(*r.value);
      REQUIRE_OK(v);
      CHECK(r.key == std::optional<std::string>(v->order_id));
      out.push_back(*v);
    }
    return out;
  }
  // The result of `check` per order; CHECKs there is exactly one validation per order and check.
  std::map<std::string, services::ValidationResult> results(services::CheckType check) {
    std::map<std::string, services::ValidationResult> out;
    for (const auto& v : validations()) {
      if (v.check_type != check) continue;
      CHECK_MESSAGE(out.count(v.order_id) == 0,
                    "second " << services::to_string(check) << " for " << v.order_id);
      out[v.order_id] = v.result;
    }
    return out;
  }
  std::optional<services::ValidationResult> result(services::CheckType check, const std::string& id) {
    auto all = results(check);
    auto it = all.find(id);
    if (it == all.end()) return std::nullopt;
    return it->second;
  }
  // Final state per order id from the orders topic (records that are not orders are ignored);
  // CHECKs there is at most one each.
  std::map<std::string, services::OrderState> finals() {
    std::map<std::string, services::OrderState> out;
    auto all = driver.read_all(services::topics::kOrders);
    REQUIRE_OK(all);
    for (const auto& r : *all) {
      if (!r.value) continue;
      auto o = services::order_from_json(*r.value, true);
      if (!o.ok()) continue;
      if (o->state != services::OrderState::kValidated && o->state != services::OrderState::kFailed)
        continue;
      CHECK_MESSAGE(out.count(o->id) == 0, "second final state for " << o->id);
      out[o->id] = o->state;
    }
    return out;
  }
  std::optional<services::OrderState> final_state(const std::string& id) {
    auto all = finals();
    auto it = all.find(id);
    if (it == all.end()) return std::nullopt;
    return it->second;
  }
  // A store value of the task that owns `key` (by the key's partition of `topic`).
  std::optional<std::string> store(const std::string& sub, const std::string& store_name,
                                   const std::string& key) {
    auto v = driver.store_get(sub, log::partition_for_key(key, partitions), store_name, key);
    REQUIRE_OK(v);
    return *v;
  }
  std::optional<std::string> global(const std::string& store_name, const std::string& key) {
    auto v = driver.global_get(store_name, key);
    REQUIRE_OK(v);
    return *v;
  }
  int64_t reserved(services::Product p) {
    auto v = store(services::kInventorySubTopology, services::kInventoryReservedStore,
                   std::string(services::to_string(p)));
    return v ? std::stoll(*v) : 0;
  }
  std::optional<services::Order> view(const std::string& id) {
    auto v = store(services::kOrdersViewSubTopology, services::kOrdersViewStore, id);
    if (!v) return std::nullopt;
    auto o = services::order_from_json(*v, true);
    REQUIRE_OK(o);
    return *o;
  }
};

}  // namespace orderstream::test
