// OrdersService: the command side and the queries behind the REST API. Commands are appended
// through the GroupWriter (acknowledged once durable); queries read the tasks' materialized
// stores from a fresh snapshot. Thread-safe; callbacks run on the writer thread (commands) or
// on the orders-view task thread (waits): they must only hand work off.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "log/group_writer.h"
#include "log/log.h"
#include "services/command_sink.h"
#include "services/model.h"
#include "services/order_waiters.h"

namespace orderstream::services {

enum class SubmitOutcome { kCreated, kUnchanged };  // kUnchanged: identical re-POST, no new event

struct InventoryView {
  int64_t stock = 0;
  int64_t reserved = 0;
};

class OrdersService {
 public:
  OrdersService(log::Log& log, log::GroupWriter& writer, OrderWaiters& waiters);
  // Commands go to `sink` instead of the log (the Kafka backend). Re-POSTs are then recognised
  // only where this instance's orders view already holds the order (nothing checks the id in
  // the append's own transaction). REQUIRES: before any command; sink outlives the service.
  void send_commands_to(CommandSink* sink) { sink_ = sink; }

  // Appends a new order. done: kCreated, kUnchanged, Conflict (a different order under that id),
  // or a storage error. The call itself returns Busy when the write queue is full.
  Status submit_order(const Order& order, std::function<void(Result<SubmitOutcome>)> done);
  // The same with the order's JSON (to_json(order)) already built by the caller.
  Status submit_order(const Order& order, std::string json,
                      std::function<void(Result<SubmitOutcome>)> done);
  // The latest state of an order as the orders view has it.
  Result<std::optional<Order>> find_order(const std::string& id) const;
  // Calls on_order once the order exists (final_only: once it is VALIDATED or FAILED), possibly
  // synchronously. Returns the waiter, to cancel on timeout.
  OrderWaiters::Handle wait_order(const std::string& id, bool final_only,
                                  std::function<void(const Order&)> on_order);
  bool cancel_wait(const OrderWaiters::Handle& w) { return waiters_.cancel(w); }
  // The writer its commands go through; other producers (the REST Proxy) share its group commit.
  log::GroupWriter& writer() { return writer_; }

  Status put_inventory(Product product, int64_t stock, std::function<void(const Status&)> done);
  Result<InventoryView> inventory(Product product) const;
  Status add_customer(const Customer& customer, std::function<void(const Status&)> done);
  Result<std::optional<Customer>> find_customer(int64_t id) const;
  Status add_payment(const Payment& payment, std::function<void(const Status&)> done);
  // The emails sent to a customer (email JSON, by order then payment id), from the emails view.
  Result<std::vector<std::string>> find_emails(int64_t customer_id) const;

 private:
  Result<std::optional<std::string>> read_store(const std::string& sub_topology, const char* topic,
                                                const std::string& key, const char* store) const;
  Status append_keyed(const char* topic, std::string key, std::optional<std::string> value,
                      std::function<void(const Status&)> done);
  Status submit_to_sink(const Order& order, std::string json, std::function<void(Result<SubmitOutcome>)> done);

  log::Log& log_;
  log::GroupWriter& writer_;
  OrderWaiters& waiters_;
  CommandSink* sink_ = nullptr;
};

}  // namespace orderstream::services
