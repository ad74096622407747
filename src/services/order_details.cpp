#include "services/order_details.h"

#include "services/validation_emit.h"

namespace orderstream::services {
namespace {

class OrderDetailsProcessor final : public stream::Processor {
 public:
  Status process(const stream::InputRecord& r, stream::TaskContext& ctx) override {
    if (plainly_not_created(r)) return Status::ok();
    OS_ASSIGN_OR_RETURN(Order order, decode_order_record(r));
    if (order.state != OrderState::kCreated) return Status::ok();
    emit_validation(ctx, order.id, CheckType::kOrderDetailsCheck, check_order_details(order),
                    r.timestamp_ms);
    return Status::ok();
  }
};

}  // namespace

ValidationResult check_order_details(const Order& order) {
  bool ok = order.quantity >= 0 && order.price >= 0 && order.product.has_value();
  return ok ? ValidationResult::kPass : ValidationResult::kFail;
}

std::unique_ptr<stream::Processor> make_order_details_processor() {
  return std::make_unique<OrderDetailsProcessor>();
}

}  // namespace orderstream::services
