#include "services/orders_view.h"

#include "services/json_codec.h"

namespace orderstream::services {
namespace {

// Lifecycle rank: CREATED < VALIDATED = FAILED < SHIPPED. A record never moves an order back.
int rank(OrderState s) {
  switch (s) {
    case OrderState::kCreated: return 0;
    case OrderState::kValidated:
    case OrderState::kFailed: return 1;
    case OrderState::kShipped: return 2;
  }
  return 0;
}

class OrdersViewProcessor final : public stream::Processor {
 public:
  explicit OrdersViewProcessor(OrderWaiters* waiters) : waiters_(waiters) {}

  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (!r.value) return invalid_argument("tombstone in orders");
    OS_ASSIGN_OR_RETURN(Order order, order_from_json(*r.value, true));
    OS_ASSIGN_OR_RETURN(std::optional<std::string> current, ctx.get(kOrdersViewStore, order.id));
    if (current) {
      auto cur = order_from_json(*current, true);
      // States only move forward: a late or duplicate CREATED must not hide the decision, nor
      // a late decision a SHIPPED order; and the first decision (VALIDATED or FAILED) stands.
      if (cur.ok() && (rank(order.state) < rank(cur->state) ||
                       (is_final(cur->state) && is_final(order.state) && cur->state != order.state)))
        return Status::ok();
    }
    ctx.put(kOrdersViewStore, order.id, std::string(*r.value));
    if (waiters_) ctx.after_commit([w = waiters_, order] { w->complete(order); });
    return Status::ok();
  }

 private:
  OrderWaiters* waiters_;
};

}  // namespace

std::unique_ptr<stream::Processor> make_orders_view_processor(OrderWaiters* waiters) {
  return std::make_unique<OrdersViewProcessor>(waiters);
}

}  // namespace orderstream::services
