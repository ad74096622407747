// Inventory check: orders rekeyed by product (orders-by-product) joined to the
// warehouse-inventory table. PASS and reserve when stock - reserved - quantity >= 0, else FAIL.
// A product without an inventory row has stock 0. When an order ends FAILED its reservation is
// released, exactly once. Reserved stock and the table live in the task's stores and change in
// the same txn as the emitted validation. Processors are per task.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "stream/processor.h"

namespace orderstream::services {

// Store names of the inventory task (per partition; key = product name or order id).
inline constexpr const char* kInventoryStockStore = "stock";        // product -> stock
inline constexpr const char* kInventoryReservedStore = "reserved";  // product -> reserved
inline constexpr const char* kInventoryOrdersStore = "orders";      // order id -> see inventory.cpp
inline constexpr const char* kInventorySubTopology = "inventory";

std::unique_ptr<stream::Processor> make_inventory_rekey_processor();
std::unique_ptr<stream::Processor> make_inventory_processor();

}  // namespace orderstream::services
