#include "services/audit_orders.h"

#include "log/partitioner.h"
#include "services/json_codec.h"
#include "services/topics.h"

#include <array>
#include <unordered_map>

namespace orderstream::services {
namespace {

constexpr int64_t kNone = -1;

unsigned bit(CheckType c) { return 1u << static_cast<unsigned>(c); }

// What the audit remembers of one order id within its partition: the CREATED fields to compare
// the final record with, where each record was, and the first result of each check.
struct OrderFacts {
  int64_t created_at = kNone;  // offset of the first CREATED record
  int64_t final_at = kNone;    // offset of the first VALIDATED/FAILED record
  std::array<int64_t, kAllCheckTypes.size()> check_at{kNone, kNone, kNone};
  Order created;  // id left empty: it is the map key
  OrderState final_state = OrderState::kCreated;
  unsigned passed = 0;  // bit(check) of first results that are PASS
  unsigned failed = 0;  // ... FAIL or ERROR
};

std::string differences(const Order& a, const Order& b) {
  std::string d;
  auto add = [&](const char* field) { d += d.empty() ? field : std::string(", ") + field; };
  if (a.customer_id != b.customer_id) add("customerId");
  if (a.product != b.product) add("product");
  if (a.quantity != b.quantity) add("quantity");
  if (a.price != b.price) add("price");
  return d;
}

// One partition of orders and of order-validations.
class PartitionAudit {
 public:
  PartitionAudit(const OrdersAuditInput& in, PartitionId p, ViolationSink& sink,
                 AuditSummary& summary)
      : in_(in), p_(p), sink_(sink), summary_(summary) {
    for (CheckType c : in.options->rules) rules_ |= bit(c);
  }

  Status run(std::map<std::string, int64_t>* expected_reserved) {
    OS_ASSIGN_OR_RETURN(log::PartitionInfo info, in_.view->partition_info({topics::kOrders, p_}));
    facts_.reserve(static_cast<size_t>(info.count / 2 + 16));
    OS_RETURN_IF_ERROR(scan(topics::kOrders, [&](const log::RecordView& r) { on_order(r); }));
    OS_RETURN_IF_ERROR(
        scan(topics::kOrderValidations, [&](const log::RecordView& r) { on_validation(r); }));
    for (auto& [id, f] : facts_) decide(id, f, expected_reserved);
    return Status::ok();
  }

 private:
  template <class Fn>
  Status scan(const char* topic, Fn fn) {
    return in_.view
        ->scan({topic, p_}, Offset(0), SIZE_MAX,
               [&](const log::RecordView& r) {
                 fn(r);
                 return true;
               })
        .status();
  }

  void report(const char* kind, const char* topic, int64_t offset, std::string message) {
    sink_.add(Violation{kind, topic, p_, Offset(offset), "", std::move(message)});
  }

  // Decodes the value and checks the key and partition; nullopt (reported) if unusable.
  template <class T, class Decode>
  std::optional<T> decode(const char* topic, const log::RecordView& r, Decode decode_fn,
                          std::string T::*id) {
    if (!r.value) {
      report("unreadable-record", topic, r.offset.v, "tombstone");
      return std::nullopt;
    }
    Result<T> v = decode_fn(*r.value);
    if (!v.ok()) {
      report("unreadable-record", topic, r.offset.v, v.status().message());
      return std::nullopt;
    }
    const std::string& key = (*v).*id;
    if (!r.key || *r.key != key)
      report("misplaced-record", topic, r.offset.v,
             "key '" + std::string(r.key.value_or("<null>")) + "' is not the order id '" + key + "'");
    else if (log::partition_for_key(key, in_.partitions) != p_)
      report("misplaced-record", topic, r.offset.v,
             "order '" + key + "' belongs in partition " +
                 std::to_string(log::partition_for_key(key, in_.partitions).v));
    return std::move(*v);
  }

  void on_order(const log::RecordView& r) {
    auto order = decode<Order>(
        topics::kOrders, r, [](std::string_view j) { return order_from_json(j, true); }, &Order::id);
    if (!order) return;
    bool is_final = order->state == OrderState::kValidated || order->state == OrderState::kFailed;
    if (order->state != OrderState::kCreated && !is_final) return;  // SHIPPED: not audited
    auto [it, fresh] = facts_.try_emplace(order->id);
    if (fresh) ++summary_.orders;
    OrderFacts& f = it->second;
    const std::string& id = it->first;
    if (!is_final) {
      if (f.created_at != kNone) {
        report("duplicate-created", topics::kOrders, r.offset.v,
               "order '" + id + "' has a second CREATED record (first at offset " +
                   std::to_string(f.created_at) + ")");
        return;
      }
      f.created_at = r.offset.v;
      f.created = std::move(*order);
      f.created.id.clear();
      return;
    }
    ++summary_.finals;
    if (f.final_at != kNone) {
      report("double-final", topics::kOrders, r.offset.v,
             "order '" + id + "' has a second final record " + std::string(to_string(order->state)) +
                 " (first " + std::string(to_string(f.final_state)) + " at offset " +
                 std::to_string(f.final_at) + ")");
      return;
    }
    f.final_at = r.offset.v;
    f.final_state = order->state;
    if (f.created_at == kNone) {
      report("final-without-created", topics::kOrders, r.offset.v,
             "order '" + id + "' is " + std::string(to_string(order->state)) +
                 " with no CREATED record before it");
      return;
    }
    if (std::string d = differences(f.created, *order); !d.empty())
      report("final-differs", topics::kOrders, r.offset.v,
             "final record of order '" + id + "' differs from its CREATED record (offset " +
                 std::to_string(f.created_at) + ") in " + d);
  }

  void on_validation(const log::RecordView& r) {
    auto v = decode<OrderValidation>(topics::kOrderValidations, r, order_validation_from_json,
                                     &OrderValidation::order_id);
    if (!v) return;
    ++summary_.validations;
    auto it = facts_.find(v->order_id);
    if (it == facts_.end()) {
      report("validation-unknown-order", topics::kOrderValidations, r.offset.v,
             std::string(to_string(v->check_type)) + " " + std::string(to_string(v->result)) +
                 " for order '" + v->order_id + "', which has no record in orders");
      return;
    }
    OrderFacts& f = it->second;
    int64_t& at = f.check_at[static_cast<size_t>(v->check_type)];
    if (at != kNone) {
      report("duplicate-validation", topics::kOrderValidations, r.offset.v,
             "second " + std::string(to_string(v->check_type)) + " for order '" + v->order_id +
                 "' (first at offset " + std::to_string(at) + ")");
      return;
    }
    at = r.offset.v;
    (v->result == ValidationResult::kPass ? f.passed : f.failed) |= bit(v->check_type);
  }

  // The aggregator's decision against the first results, and the order's reservation.
  void decide(const std::string& id, const OrderFacts& f,
              std::map<std::string, int64_t>* expected_reserved) {
    if (f.final_at == kNone) {
      ++summary_.not_final;
      if (in_.options->expect_drained && f.created_at != kNone)
        report("not-final", topics::kOrders, f.created_at,
               "order '" + id + "' has no final record although the pipeline should be drained");
    } else if (f.created_at == kNone) {
      // Reported as final-without-created: there was no order to decide on.
    } else if (f.final_state == OrderState::kValidated) {
      if (std::string c = checks(f.failed & rules_); !c.empty())
        report("validated-with-fail", topics::kOrders, f.final_at,
               "order '" + id + "' is VALIDATED but " + c + " did not PASS");
      else if (std::string m = checks(rules_ & ~f.passed); !m.empty())
        report("validated-without-pass", topics::kOrders, f.final_at,
               "order '" + id + "' is VALIDATED without a PASS from " + m);
    } else if ((f.failed & rules_) == 0) {
      report("failed-without-fail", topics::kOrders, f.final_at,
             "order '" + id + "' is FAILED but no configured check FAILed or ERRORed");
    }
    bool reserved = f.created_at != kNone && f.created.product &&
                    (f.passed & bit(CheckType::kInventoryCheck)) != 0;
    if (!reserved || in_.released->count(id) != 0) return;
    (*expected_reserved)[std::string(to_string(*f.created.product))] += f.created.quantity;
    if (f.final_at != kNone && f.final_state == OrderState::kFailed) ++summary_.pending_releases;
  }

  // "FRAUD_CHECK, INVENTORY_CHECK" for the checks in `mask`.
  static std::string checks(unsigned mask) {
    std::string s;
    for (CheckType c : kAllCheckTypes)
      if (mask & bit(c)) s += (s.empty() ? "" : ", ") + std::string(to_string(c));
    return s;
  }

  const OrdersAuditInput& in_;
  PartitionId p_;
  ViolationSink& sink_;
  AuditSummary& summary_;
  unsigned rules_ = 0;
  std::unordered_map<std::string, OrderFacts> facts_;
};

}  // namespace

Status audit_orders(const OrdersAuditInput& in, ViolationSink& sink, AuditSummary& summary,
                    std::map<std::string, int64_t>* expected_reserved) {
  for (int32_t p = 0; p < in.partitions; ++p)
    OS_RETURN_IF_ERROR(PartitionAudit(in, PartitionId(p), sink, summary).run(expected_reserved));
  return Status::ok();
}

}  // namespace orderstream::services
