#include "services/ecosystem.h"

#include <algorithm>

#include "services/aggregator.h"
#include "services/customers_table.h"
#include "services/email.h"
#include "services/emails_view.h"
#include "services/inventory.h"
#include "services/level_routing.h"
#include "services/order_details.h"
#include "services/orders_view.h"
#include "services/topics.h"

namespace orderstream::services {

stream::Topology make_ecosystem_topology(const EcosystemOptions& options, OrderWaiters* waiters) {
  using log::CleanupPolicy;
  log::TopicConfig events;  // Kafka's defaults: delete after 7 days
  events.retention_ms = -1;  // orders are the system of record: keep them
  log::TopicConfig table;
  table.cleanup_policy = CleanupPolicy::kCompact;
  table.retention_ms = -1;

  stream::Topology t;
  t.topics = {{topics::kOrders, events},
              {topics::kOrderValidations, events},
              {topics::kPayments, events},
              {topics::kCustomers, table},
              {topics::kWarehouseInventory, table},
              {topics::kOrdersByProduct, events},
              {topics::kOrdersByCustomer, events},
              {topics::kPaymentsByOrder, events},
              {topics::kEmails, events}};
  for (std::string_view level : kCustomerLevels) t.topics.push_back({std::string(level), events});
  auto rules = options.rules;
  auto fraud = options.fraud;
  auto email = options.email;
  t.sub_topologies = {
      {kOrdersViewSubTopology, "orders", {topics::kOrders}, {kOrdersViewStore},
       [waiters](PartitionId) { return make_orders_view_processor(waiters); }},
      {"order-details", "order-details", {topics::kOrders}, {},
       [](PartitionId) { return make_order_details_processor(); }},
      {"fraud-rekey", "fraud", {topics::kOrders}, {},
       [](PartitionId) { return make_fraud_rekey_processor(); }},
      {kFraudSubTopology, "fraud", {topics::kOrdersByCustomer}, fraud_store_names(),
       [fraud](PartitionId) { return make_fraud_processor(fraud); }},
      {"inventory-rekey", "inventory", {topics::kOrders}, {},
       [](PartitionId) { return make_inventory_rekey_processor(); }},
      {kInventorySubTopology, "inventory", {topics::kOrdersByProduct, topics::kWarehouseInventory},
       {kInventoryStockStore, kInventoryReservedStore, kInventoryOrdersStore},
       [](PartitionId) { return make_inventory_processor(); }},
      {kAggregatorSubTopology, "validations-aggregator", {topics::kOrderValidations, topics::kOrders},
       {"orders", "checks"},
       [rules](PartitionId) { return make_aggregator_processor(rules); }},
      {kCustomersSubTopology, "customers", {topics::kCustomers}, {kCustomersStore},
       [](PartitionId) { return make_customers_table_processor(); }, /*global=*/true},
      {"payments-rekey", "email", {topics::kPayments}, {},
       [](PartitionId) { return make_payments_rekey_processor(); }},
      {kEmailSubTopology, "email", {topics::kOrders, topics::kPaymentsByOrder}, email_store_names(email),
       [email](PartitionId) { return make_email_processor(email); }},
      {kLevelRoutingSubTopology, "email", {topics::kOrders}, {},
       [](PartitionId) { return make_level_routing_processor(); }},
      {kEmailsViewSubTopology, "email", {topics::kEmails}, {kEmailsViewStore},
       [](PartitionId) { return make_emails_view_processor(); }},
  };
  return t;
}

std::vector<std::string> service_names(const stream::Topology& topology) {
  std::vector<std::string> names;
  for (const auto& sub : topology.sub_topologies)
    if (std::find(names.begin(), names.end(), sub.service) == names.end()) names.push_back(sub.service);
  return names;
}

}  // namespace orderstream::services
