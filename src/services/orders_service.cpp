#include "services/orders_service.h"

#include <charconv>

#include "log/partitioner.h"
#include "log/write_txn.h"
#include "services/customers_table.h"
#include "services/emails_view.h"
#include "services/inventory.h"
#include "services/json_codec.h"
#include "services/orders_view.h"
#include "services/topics.h"
#include "stream/topology.h"

namespace orderstream::services {
namespace {

// Every order id ever accepted, with the order as first posted: makes re-POSTs idempotent and
// conflicting ones visible, checked in the same txn as the append.
constexpr const char* kAcceptedIdsStore = "orders-service/ids";

int64_t parse_i64(std::string_view s) {
  int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

OrdersService::OrdersService(log::Log& log, log::GroupWriter& writer, OrderWaiters& waiters)
    : log_(log), writer_(writer), waiters_(waiters) {}

Status OrdersService::submit_order(const Order& order,
                                   std::function<void(Result<SubmitOutcome>)> done) {
  return submit_order(order, to_json(order), std::move(done));
}

Status OrdersService::submit_order(const Order& order, std::string order_json,
                                   std::function<void(Result<SubmitOutcome>)> done) {
  if (sink_) return submit_to_sink(order, std::move(order_json), std::move(done));
  auto json = std::make_shared<const std::string>(std::move(order_json));
  auto outcome = std::make_shared<Result<SubmitOutcome>>(SubmitOutcome::kCreated);
  return writer_.submit(
      [json, outcome, id = order.id](log::WriteTxn& w) -> Status {
        OS_ASSIGN_OR_RETURN(std::optional<std::string_view> prior, w.get(kAcceptedIdsStore, id));
        if (prior) {
          *outcome = *prior == *json ? Result<SubmitOutcome>(SubmitOutcome::kUnchanged)
                                     : Result<SubmitOutcome>(conflict(
                                           "order '" + id + "' already exists with different contents"));
          return Status::ok();
        }
        OS_RETURN_IF_ERROR(w.put(kAcceptedIdsStore, id, *json));
        OS_ASSIGN_OR_RETURN(PartitionId p, w.partition_for(topics::kOrders, id));
        log::RecordData rd;
        rd.key = id;
        rd.value = *json;
        OS_RETURN_IF_ERROR(w.append({topics::kOrders, p}, rd).status());
        *outcome = SubmitOutcome::kCreated;
        return Status::ok();
      },
      [outcome, done = std::move(done)](const Status& st) {
        if (!st.is_ok()) done(st);
        else done(*outcome);
      });
}

Status OrdersService::submit_to_sink(const Order& order, std::string json,
                                     std::function<void(Result<SubmitOutcome>)> done) {
  // The view holds the order's latest state; as posted, it was CREATED.
  auto known = find_order(order.id);
  if (known.ok() && *known) {
    Order as_posted = **known;
    as_posted.state = OrderState::kCreated;
    if (to_json(as_posted) == json) done(SubmitOutcome::kUnchanged);
    else done(conflict("order '" + order.id + "' already exists with different contents"));
    return Status::ok();
  }
  return sink_->append(topics::kOrders, order.id, std::move(json), [done = std::move(done)](const Status& st) {
    if (!st.is_ok()) done(st);
    else done(SubmitOutcome::kCreated);
  });
}

Result<std::optional<std::string>> OrdersService::read_store(const std::string& sub_topology,
                                                             const char* topic,
                                                             const std::string& key,
                                                             const char* store) const {
  OS_ASSIGN_OR_RETURN(log::TopicInfo info, log_.topic(topic));
  PartitionId p = log::partition_for_key(key, info.partitions);
  OS_ASSIGN_OR_RETURN(log::ReadView view, log_.read_view());
  OS_ASSIGN_OR_RETURN(std::optional<std::string_view> v,
                      view.get(stream::scoped_store_name(sub_topology, p, store), key));
  if (!v) return std::optional<std::string>();
  return std::optional<std::string>(std::string(*v));
}

Result<std::optional<Order>> OrdersService::find_order(const std::string& id) const {
  OS_ASSIGN_OR_RETURN(std::optional<std::string> json,
                      read_store(kOrdersViewSubTopology, topics::kOrders, id, kOrdersViewStore));
  if (!json) return std::optional<Order>();
  OS_ASSIGN_OR_RETURN(Order order, order_from_json(*json, true));
  return std::optional<Order>(std::move(order));
}

OrderWaiters::Handle OrdersService::wait_order(const std::string& id, bool final_only,
                                               std::function<void(const Order&)> on_order) {
  OrderWaiters::Handle w = waiters_.add(id, final_only, std::move(on_order));
  // Look only after registering: an update that lands in between then reaches the waiter.
  auto current = find_order(id);
  if (current.ok() && *current && (!final_only || is_final((*current)->state)))
    waiters_.resolve(w, **current);
  return w;
}

Status OrdersService::append_keyed(const char* topic, std::string key,
                                   std::optional<std::string> value,
                                   std::function<void(const Status&)> done) {
  if (sink_) return sink_->append(topic, key, std::move(value), std::move(done));
  return writer_.submit(
      [topic, key = std::move(key), value = std::move(value)](log::WriteTxn& w) -> Status {
        OS_ASSIGN_OR_RETURN(PartitionId p, w.partition_for(topic, key));
        log::RecordData rd;
        rd.key = key;
        if (value) rd.value = *value;
        return w.append({topic, p}, rd).status();
      },
      std::move(done));
}

Status OrdersService::put_inventory(Product product, int64_t stock,
                                    std::function<void(const Status&)> done) {
  return append_keyed(topics::kWarehouseInventory, std::string(to_string(product)),
                      stock_to_log_json(stock), std::move(done));
}

Result<InventoryView> OrdersService::inventory(Product product) const {
  std::string key(to_string(product));
  InventoryView v;
  OS_ASSIGN_OR_RETURN(std::optional<std::string> stock,
                      read_store(kInventorySubTopology, topics::kOrdersByProduct, key, kInventoryStockStore));
  OS_ASSIGN_OR_RETURN(std::optional<std::string> reserved,
                      read_store(kInventorySubTopology, topics::kOrdersByProduct, key, kInventoryReservedStore));
  if (stock) v.stock = parse_i64(*stock);
  if (reserved) v.reserved = parse_i64(*reserved);
  return v;
}

Status OrdersService::add_customer(const Customer& customer, std::function<void(const Status&)> done) {
  return append_keyed(topics::kCustomers, std::to_string(customer.id), to_json(customer), std::move(done));
}

Result<std::optional<Customer>> OrdersService::find_customer(int64_t id) const {
  OS_ASSIGN_OR_RETURN(log::ReadView view, log_.read_view());
  OS_ASSIGN_OR_RETURN(std::optional<std::string_view> json,
                      view.get(stream::global_store_name(kCustomersStore), std::to_string(id)));
  if (!json) return std::optional<Customer>();
  OS_ASSIGN_OR_RETURN(Customer c, customer_from_json(*json));
  return std::optional<Customer>(std::move(c));
}

Result<std::vector<std::string>> OrdersService::find_emails(int64_t customer_id) const {
  std::string prefix = emails_view_prefix(customer_id);
  OS_ASSIGN_OR_RETURN(log::TopicInfo info, log_.topic(topics::kEmails));
  PartitionId p = log::partition_for_key(std::to_string(customer_id), info.partitions);
  OS_ASSIGN_OR_RETURN(log::ReadView view, log_.read_view());
  std::vector<std::string> out;
  OS_RETURN_IF_ERROR(view.scan_store(
      stream::scoped_store_name(kEmailsViewSubTopology, p, kEmailsViewStore), prefix,
      [&](std::string_view k, std::string_view v) {
        if (k.substr(0, prefix.size()) != prefix) return false;
        out.emplace_back(v);
        return true;
      }));
  return out;
}

Status OrdersService::add_payment(const Payment& payment, std::function<void(const Status&)> done) {
  return append_keyed(topics::kPayments, payment.id, to_json(payment), std::move(done));
}

}  // namespace orderstream::services
