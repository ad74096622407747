// Topic and state-store names of the order ecosystem (shared/REFERENCE.md, "Topics").
#pragma once

namespace orderstream::services::topics {

inline constexpr const char* kOrders = "orders";
inline constexpr const char* kOrderValidations = "order-validations";
inline constexpr const char* kPayments = "payments";
inline constexpr const char* kCustomers = "customers";
inline constexpr const char* kWarehouseInventory = "warehouse-inventory";
// Repartition topics (Kafka Streams would name them <app>-...-repartition).
inline constexpr const char* kOrdersByProduct = "orders-by-product";
inline constexpr const char* kOrdersByCustomer = "orders-by-customer";

}  // namespace orderstream::services::topics
