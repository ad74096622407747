#include "services/audit_inventory.h"

#include "log/partitioner.h"
#include "services/inventory.h"
#include "services/json_codec.h"
#include "services/topics.h"
#include "stream/topology.h"

#include <charconv>

namespace orderstream::services {
namespace {

log::TopicPartition by_product(int32_t p) { return {topics::kOrdersByProduct, PartitionId(p)}; }

// Where the inventory task stands in partition p: the next offset it will read.
Result<Offset> inventory_position(const log::ReadView& view, int32_t p) {
  OS_ASSIGN_OR_RETURN(std::optional<Offset> committed,
                      view.committed(kInventorySubTopology, by_product(p)));
  return committed.value_or(Offset(0));
}

}  // namespace

Result<std::unordered_set<std::string>> released_reservations(const log::ReadView& view,
                                                              int32_t partitions) {
  std::unordered_set<std::string> released;
  for (int32_t p = 0; p < partitions; ++p) {
    OS_ASSIGN_OR_RETURN(Offset consumed, inventory_position(view, p));
    OS_ASSIGN_OR_RETURN(
        Offset next,
        view.scan(by_product(p), Offset(0), SIZE_MAX, [&](const log::RecordView& r) {
          if (r.offset >= consumed) return false;
          // Only FAILED records release; skip decoding the rest (the record is the order's
          // canonical JSON as it was in `orders`).
          if (!r.value || r.value->find("FAILED") == std::string_view::npos) return true;
          Result<Order> order = order_from_json(*r.value, true);
          if (order.ok() && order->state == OrderState::kFailed) released.insert(order->id);
          return true;
        }));
    (void)next;
  }
  return released;
}

Status check_reserved(const log::ReadView& view, int32_t partitions,
                      const std::map<std::string, int64_t>& expected, ViolationSink& sink,
                      AuditSummary& summary) {
  std::map<std::string, int64_t> actual;
  for (auto p : kAllProducts) actual[std::string(to_string(p))] = 0;
  for (int32_t p = 0; p < partitions; ++p) {
    std::string store =
        stream::scoped_store_name(kInventorySubTopology, PartitionId(p), kInventoryReservedStore);
    OS_RETURN_IF_ERROR(view.scan_store(store, "", [&](std::string_view key, std::string_view value) {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size()) {
        sink.add(Violation{"unreadable-store-value", topics::kOrdersByProduct, PartitionId(p),
                           std::nullopt, "store " + store + " key " + std::string(key),
                           "reserved stock '" + std::string(value) + "' is not an integer"});
        return true;
      }
      actual[std::string(key)] += n;
      return true;
    }));
  }
  for (const auto& [product, qty] : expected) actual.try_emplace(product, 0);
  for (const auto& [product, reserved] : actual) {
    ++summary.products;
    auto it = expected.find(product);
    int64_t want = it == expected.end() ? 0 : it->second;
    if (reserved == want) continue;
    Violation v{"reserved-mismatch", topics::kOrdersByProduct, PartitionId(0), std::nullopt, "", ""};
    if (partitions > 0) {
      v.partition = log::partition_for_key(product, partitions);
      OS_ASSIGN_OR_RETURN(Offset at, inventory_position(view, v.partition.v));
      v.offset = at;
      v.where = "store " + stream::scoped_store_name(kInventorySubTopology, v.partition,
                                                     kInventoryReservedStore) +
                " key " + product;
    }
    v.message = "reserved stock of " + product + " is " + std::to_string(reserved) +
                ", but the orders with an inventory PASS not released hold " + std::to_string(want);
    sink.add(std::move(v));
  }
  return Status::ok();
}

}  // namespace orderstream::services
