#include "services/email.h"

#include <algorithm>
#include <cstdio>

#include "services/customers_table.h"
#include "services/json_codec.h"
#include "services/topics.h"
#include "services/validation_emit.h"
#include "stream/windowed_join.h"

namespace orderstream::services {
namespace {

stream::WindowedJoin make_join(const EmailOptions& o) {
  return stream::WindowedJoin("order-payment", {o.window_ms, o.window_ms, o.grace_ms});
}

std::string money(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2f", v);
  return buf;
}

class PaymentsRekeyProcessor final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (!r.value) return invalid_argument("tombstone in the payments topic");
    OS_ASSIGN_OR_RETURN(Payment p, payment_from_json(*r.value));
    ctx.emit(topics::kPaymentsByOrder, p.order_id, std::string(*r.value), r.timestamp_ms);
    return Status::ok();
  }
};

class EmailProcessor final : public stream::Processor {
 public:
  explicit EmailProcessor(const EmailOptions& o) : join_(make_join(o)), emailer_(o.make_emailer()) {}

  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (!r.value) return invalid_argument("tombstone in " + r.topic);
    Status pair_status;
    auto on_pair = [&](const stream::JoinSide& o, const stream::JoinSide& p) {
      Status st = send(ctx, o, p);
      if (pair_status.is_ok()) pair_status = st;
    };
    if (r.topic == topics::kOrders) {
      OS_ASSIGN_OR_RETURN(Order order, decode_order_record(r));
      OS_RETURN_IF_ERROR(join_.on_left(ctx, order.id, {order.id, r.timestamp_ms, *r.value}, on_pair).status());
    } else {
      OS_ASSIGN_OR_RETURN(Payment p, payment_from_json(*r.value));
      OS_RETURN_IF_ERROR(join_.on_right(ctx, p.order_id, {p.id, r.timestamp_ms, *r.value}, on_pair).status());
    }
    return pair_status;
  }

 private:
  Status send(stream::TaskContext& ctx, const stream::JoinSide& o, const stream::JoinSide& p) {
    OS_ASSIGN_OR_RETURN(Order order, order_from_json(o.value, /*allow_missing_product=*/true));
    OS_ASSIGN_OR_RETURN(Payment payment, payment_from_json(p.value));
    OS_ASSIGN_OR_RETURN(std::optional<std::string> c,
                        ctx.get_global(kCustomersStore, std::to_string(order.customer_id)));
    if (!c) return Status::ok();
    OS_ASSIGN_OR_RETURN(Customer customer, customer_from_json(*c));
    emailer_->send(ctx, render_email(customer, order, payment), std::max(o.ts, p.ts));
    return Status::ok();
  }

  stream::WindowedJoin join_;
  std::unique_ptr<Emailer> emailer_;
};

}  // namespace

Email render_email(const Customer& customer, const Order& order, const Payment& payment) {
  Email e;
  e.customer_id = customer.id;
  e.to = customer.email;
  e.order_id = order.id;
  e.payment_id = payment.id;
  e.subject = "Payment received for order " + order.id;
  std::string product = order.product ? std::string(to_string(*order.product)) : "(no product)";
  e.body = "Dear " + customer.first_name + " " + customer.last_name + ",\n\nThank you for your order " +
           order.id + ": " + std::to_string(order.quantity) + " x " + product + " at " +
           money(order.price) + ". We received your payment " + payment.id + " of " +
           money(payment.amount) + " " + payment.ccy + ".\n\nYour " + customer.level +
           " customer team\n";
  return e;
}

std::unique_ptr<stream::Processor> make_payments_rekey_processor() {
  return std::make_unique<PaymentsRekeyProcessor>();
}

std::unique_ptr<stream::Processor> make_email_processor(const EmailOptions& options) {
  return std::make_unique<EmailProcessor>(options);
}

std::vector<std::string> email_store_names(const EmailOptions& options) {
  return make_join(options).store_names();
}

}  // namespace orderstream::services
