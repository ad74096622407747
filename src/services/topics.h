// Topic and state-store names of the order ecosystem (docs/reference.md, "Topics").
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
inline constexpr const char* kPaymentsByOrder = "payments-by-order";
// The email service's outbox (keyed by customer id); routing topics are named after the
// customer levels (model.h kCustomerLevels).
inline constexpr const char* kEmails = "emails";

}  // namespace orderstream::services::topics
